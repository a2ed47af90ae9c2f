package auth

import (
	"github.com/certsvc/certsvc/ent"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/internal/rpc"
)

func apiKeyToProto(k *ent.APIKey) *certsvcv1.ApiKey {
	return &certsvcv1.ApiKey{
		Id:           k.ID,
		UserId:       k.UserID,
		Name:         k.Name,
		Prefix:       k.Prefix,
		CreateTime:   rpc.TS(k.CreateTime),
		ExpireTime:   rpc.TSPtr(k.ExpireTime),
		LastUsedTime: rpc.TSPtr(k.LastUsedTime),
	}
}
