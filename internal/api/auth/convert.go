package auth

import (
	"certsvc/ent"
	certsvcv1 "certsvc/gen/certsvc/v1"
	"certsvc/internal/rpc"
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
