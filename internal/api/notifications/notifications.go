// Package notifications implements the NotificationService of the API: an
// account's e-mail notification settings, the log of its e-mails and a test
// message.
package notifications

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/notificationsettings"
	"github.com/certsvc/certsvc/ent/outboxdelivery"
	"github.com/certsvc/certsvc/ent/outboxnotice"
	certsvcv1 "github.com/certsvc/certsvc/gen/certsvc/v1"
	"github.com/certsvc/certsvc/gen/certsvc/v1/certsvcv1connect"
	"github.com/certsvc/certsvc/internal/core"
	"github.com/certsvc/certsvc/internal/errkind"
	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/outbox"
	"github.com/certsvc/certsvc/internal/outbox/email"
	"github.com/certsvc/certsvc/internal/rpc"
	"github.com/certsvc/certsvc/internal/store"
)

// A new RPC fails the build until it is implemented.
var _ certsvcv1connect.NotificationServiceHandler = (*Handler)(nil)

// Mailer is what the handler needs of the e-mail channel
// (*email.Channel).
type Mailer interface {
	Enabled() bool
	MessageID(deliveryID int64) string
	SendTest(ctx context.Context, accountID int64, id, lang string, recipients []string) error
}

// Handler implements certsvcv1connect.NotificationServiceHandler. It is safe
// for concurrent use.
type Handler struct {
	*core.Core
	db     *ent.Client
	log    *slog.Logger
	mailer Mailer
}

// New returns the handler of the NotificationService over c; m sends the
// test messages (nil: e-mail is off).
func New(c *core.Core, d rpc.Deps, m Mailer) *Handler {
	return &Handler{Core: c, db: d.DB, log: d.Logger, mailer: m}
}

func (s *Handler) emailEnabled() bool { return s.mailer != nil && s.mailer.Enabled() }

// account resolves a request's account_id: 0 is the caller's own account;
// an admin has none and must name one.
func (s *Handler) account(ctx context.Context, id int64) (*ent.Account, error) {
	if id == 0 {
		p := rpc.PrincipalFrom(ctx)
		if p.AccountID == 0 {
			return nil, errkind.Invalid("account_id", "required for a caller without an account (an admin)")
		}
		id = p.AccountID
	}
	return s.VisibleAccount(ctx, "account_id", id)
}

// settings reads an account's settings row; nil when it has none.
func settings(ctx context.Context, db *ent.Client, accountID int64) (*ent.NotificationSettings, error) {
	row, err := db.NotificationSettings.Query().Where(notificationsettings.AccountID(accountID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read notification settings of account %d: %w", accountID, err)
	}
	return row, nil
}

func (s *Handler) toProto(a *ent.Account, row *ent.NotificationSettings) *certsvcv1.NotificationSettings {
	out := &certsvcv1.NotificationSettings{
		AccountId: a.ID, Language: mail.Languages[0], BalanceThresholdMinor: a.LowBalanceMinor,
		EmailEnabled: s.emailEnabled(),
	}
	if row != nil {
		out.Recipients = row.Recipients
		out.EventTypes = row.EventTypes
		out.Language = string(row.Language)
		out.UpdateTime = rpc.TS(row.UpdateTime)
	}
	return out
}

// GetNotificationSettings implements NotificationService.GetNotificationSettings.
func (s *Handler) GetNotificationSettings(ctx context.Context, req *certsvcv1.GetNotificationSettingsRequest) (*certsvcv1.GetNotificationSettingsResponse, error) {
	a, err := s.account(ctx, req.GetAccountId())
	if err != nil {
		return nil, err
	}
	row, err := settings(ctx, s.db, a.ID)
	if err != nil {
		return nil, err
	}
	return &certsvcv1.GetNotificationSettingsResponse{Settings: s.toProto(a, row)}, nil
}

var settingsPaths = []string{"recipients", "event_types", "language", "balance_threshold_minor"}

// UpdateNotificationSettings implements NotificationService.UpdateNotificationSettings.
func (s *Handler) UpdateNotificationSettings(ctx context.Context, req *certsvcv1.UpdateNotificationSettingsRequest) (*certsvcv1.UpdateNotificationSettingsResponse, error) {
	paths := settingsPaths
	if len(req.GetUpdateMask().GetPaths()) > 0 {
		var err error
		if paths, err = rpc.MaskPaths(req.GetUpdateMask(), settingsPaths...); err != nil {
			return nil, err
		}
	}
	in := req.GetSettings()
	recipients, err := checkRecipients("settings.recipients", in.GetRecipients())
	if err != nil {
		return nil, err
	}
	events, err := checkEventTypes(in.GetEventTypes())
	if err != nil {
		return nil, err
	}
	lang := notificationsettings.Language(in.GetLanguage())
	if lang == "" {
		lang = notificationsettings.DefaultLanguage
	}
	if err := notificationsettings.LanguageValidator(lang); err != nil {
		return nil, errkind.Invalid("settings.language", "%q is not one of %v", in.GetLanguage(), mail.Languages)
	}
	a, err := s.account(ctx, req.GetAccountId())
	if err != nil {
		return nil, err
	}
	now := s.Clock()
	var row *ent.NotificationSettings
	err = s.InTx(ctx, func(tx *core.Tx) error {
		// The account's row lock orders concurrent updates, the first one
		// that creates the settings included.
		if a, err = tx.LockAccount(ctx, a.ID); err != nil {
			return err
		}
		if slices.Contains(paths, "balance_threshold_minor") {
			if a, err = a.Update().SetLowBalanceMinor(in.GetBalanceThresholdMinor()).SetUpdateTime(now).Save(ctx); err != nil {
				return fmt.Errorf("set balance threshold: %w", store.Translate(err))
			}
		}
		old, err := settings(ctx, tx.Client(), a.ID)
		if err != nil {
			return err
		}
		var m *ent.NotificationSettingsMutation
		var save func(context.Context) (*ent.NotificationSettings, error)
		if old == nil {
			c := tx.NotificationSettings.Create().SetAccountID(a.ID).SetCreateTime(now).SetUpdateTime(now)
			m, save = c.Mutation(), c.Save
		} else {
			u := old.Update().SetUpdateTime(now)
			m, save = u.Mutation(), u.Save
		}
		for _, p := range paths {
			switch p {
			case "recipients":
				m.SetRecipients(recipients)
			case "event_types":
				m.SetEventTypes(events)
			case "language":
				m.SetLanguage(lang)
			}
		}
		if row, err = save(ctx); err != nil {
			return fmt.Errorf("save notification settings of account %d: %w", a.ID, store.Translate(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &certsvcv1.UpdateNotificationSettingsResponse{Settings: s.toProto(a, row)}, nil
}

// checkRecipients checks and normalises addresses ("Name <a@b.c>" becomes
// "a@b.c"), refusing duplicates; errors name field[i].
func checkRecipients(field string, in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for i, r := range in {
		a, err := mail.ParseAddress(r)
		if err != nil {
			return nil, errkind.Invalid(fmt.Sprintf("%s[%d]", field, i), "%s", err.Error())
		}
		if slices.Contains(out, a) {
			return nil, errkind.Invalid(fmt.Sprintf("%s[%d]", field, i), "%q is given twice", a)
		}
		out = append(out, a)
	}
	return out, nil
}

// checkEventTypes accepts the notice types a customer may get.
func checkEventTypes(in []string) ([]string, error) {
	customer := email.CustomerTypes()
	out := make([]string, 0, len(in))
	for i, t := range in {
		if !slices.Contains(customer, outbox.Type(t)) {
			return nil, errkind.Invalid(fmt.Sprintf("settings.event_types[%d]", i), "%q is not a notice type an account gets; types: %v", t, customer)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

var deliveryStates = map[outboxdelivery.State]certsvcv1.EmailDeliveryState{
	outboxdelivery.StatePending: certsvcv1.EmailDeliveryState_EMAIL_DELIVERY_STATE_PENDING,
	outboxdelivery.StateSent:    certsvcv1.EmailDeliveryState_EMAIL_DELIVERY_STATE_SENT,
	outboxdelivery.StateDead:    certsvcv1.EmailDeliveryState_EMAIL_DELIVERY_STATE_FAILED,
}

// ListEmailDeliveries implements NotificationService.ListEmailDeliveries.
func (s *Handler) ListEmailDeliveries(ctx context.Context, req *certsvcv1.ListEmailDeliveriesRequest) (*certsvcv1.ListEmailDeliveriesResponse, error) {
	p := rpc.PrincipalFrom(ctx)
	pg, err := rpc.ReadPage(req)
	if err != nil {
		return nil, err
	}
	q := s.db.OutboxDelivery.Query().Where(outboxdelivery.Channel(email.Name)).
		Order(ent.Desc(outboxdelivery.FieldID)).Limit(pg.Limit())
	if pg.After > 0 {
		q.Where(outboxdelivery.IDLT(pg.After))
	}
	switch id := req.GetAccountId(); {
	case id != 0 && !p.OwnsAccount(id):
		return nil, errkind.Field(errkind.NotFound, "account_id", "account %d not found", id)
	case id != 0:
		q.Where(outboxdelivery.AccountID(id))
	case !p.Admin:
		q.Where(outboxdelivery.AccountID(p.AccountID))
	}
	if st := req.GetState(); st != certsvcv1.EmailDeliveryState_EMAIL_DELIVERY_STATE_UNSPECIFIED {
		for k, v := range deliveryStates {
			if v == st {
				q.Where(outboxdelivery.StateEQ(k))
			}
		}
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list e-mail deliveries: %w", err)
	}
	res := &certsvcv1.ListEmailDeliveriesResponse{}
	rows, res.NextPageToken = rpc.Cut(pg, rows, func(x *ent.OutboxDelivery) int64 { return x.ID })
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.NoticeID)
	}
	notices, err := s.db.OutboxNotice.Query().Where(outboxnotice.IDIn(ids...)).
		Select(outboxnotice.FieldID, outboxnotice.FieldType, outboxnotice.FieldCertificateID).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list e-mail deliveries: read notices: %w", err)
	}
	byID := make(map[int64]*ent.OutboxNotice, len(notices))
	for _, n := range notices {
		byID[n.ID] = n
	}
	for _, r := range rows {
		d := &certsvcv1.EmailDelivery{
			Id: r.ID, Recipient: r.Target, State: deliveryStates[r.State], Attempts: r.Attempts,
			LastError: r.LastError, LastStatus: r.LastStatus, CreateTime: rpc.TS(r.CreateTime),
			SentTime: rpc.TSPtr(r.SentTime),
		}
		if r.State == outboxdelivery.StatePending {
			d.NextAttemptTime = rpc.TS(r.RunTime)
		}
		if n := byID[r.NoticeID]; n != nil {
			d.NoticeType, d.CertificateId = n.Type, n.CertificateID
		}
		if s.mailer != nil {
			d.MessageId = s.mailer.MessageID(r.ID)
		}
		res.Deliveries = append(res.Deliveries, d)
	}
	return res, nil
}

// SendTestEmail implements NotificationService.SendTestEmail.
func (s *Handler) SendTestEmail(ctx context.Context, req *certsvcv1.SendTestEmailRequest) (*certsvcv1.SendTestEmailResponse, error) {
	if !s.emailEnabled() {
		return nil, &errkind.Error{Kind: errkind.FailedPrecondition, Msg: "e-mail is off on this server (no SMTP relay set up)"}
	}
	recipients, err := checkRecipients("recipients", req.GetRecipients())
	if err != nil {
		return nil, err
	}
	a, err := s.account(ctx, req.GetAccountId())
	if err != nil {
		return nil, err
	}
	row, err := settings(ctx, s.db, a.ID)
	if err != nil {
		return nil, err
	}
	lang := mail.Languages[0]
	if row != nil {
		lang = string(row.Language)
		if len(recipients) == 0 {
			recipients = row.Recipients
		}
	}
	if len(recipients) == 0 {
		return nil, errkind.Field(errkind.FailedPrecondition, "recipients", "the account has no recipients; give some or set them first")
	}
	id := fmt.Sprintf("certsvc.test.%d.%d", a.ID, s.Clock().UnixNano())
	if err := s.mailer.SendTest(ctx, a.ID, id, lang, recipients); err != nil {
		return nil, relayError(err)
	}
	return &certsvcv1.SendTestEmailResponse{SentTo: recipients}, nil
}

// relayError tells the caller the relay's reply code and step, never the
// relay's own text (it may name the relay's login), which is logged.
func relayError(err error) error {
	msg := "the mail relay did not take the message"
	var me *mail.Error
	if errors.As(err, &me) {
		msg = fmt.Sprintf("%s (%s", msg, me.Op)
		if c := me.Code(); c != 0 {
			msg += fmt.Sprintf(", reply %d", c)
		}
		msg += ")"
	}
	return &errkind.Error{Kind: errkind.Unavailable, Msg: msg, Cause: err}
}
