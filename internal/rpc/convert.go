package rpc

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/user"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
)

// TS converts a time to a timestamp; nil for the zero time.
func TS(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// TSPtr converts an optional time to a timestamp; nil for nil.
func TSPtr(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return timestamppb.New(*t)
}

// AccountToProto converts an account.
func AccountToProto(a *ent.Account) *certsvcv1.Account {
	return &certsvcv1.Account{
		Id:           a.ID,
		Name:         a.Name,
		Currency:     a.Currency,
		BalanceMinor: a.Balance,
		CreateTime:   TS(a.CreateTime),
		UpdateTime:   TS(a.UpdateTime),
	}
}

var levelToProto = map[user.Level]certsvcv1.AccessLevel{
	user.LevelAdmin: certsvcv1.AccessLevel_ACCESS_LEVEL_ADMIN,
	user.LevelUser:  certsvcv1.AccessLevel_ACCESS_LEVEL_USER,
}

// UserToProto converts a user.
func UserToProto(u *ent.User) *certsvcv1.User {
	out := &certsvcv1.User{
		Id:            u.ID,
		Login:         u.Login,
		Name:          u.Name,
		Email:         u.Email,
		Level:         levelToProto[u.Level],
		Disabled:      u.Disabled,
		CreateTime:    TS(u.CreateTime),
		UpdateTime:    TS(u.UpdateTime),
		LastLoginTime: TSPtr(u.LastLoginTime),
	}
	if u.AccountID != nil {
		out.AccountId = *u.AccountID
	}
	return out
}
