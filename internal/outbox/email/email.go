// Package email is the outbox's e-mail channel: it sends notices to the
// recipients of an account's notification settings (operator notices to
// --operator-email), rendered in the account's language by internal/mail.
//
// One delivery per recipient, not one per account: recipients do not see
// each other's addresses, one address the relay refuses (550) neither
// blocks nor repeats the others, and the delivery log tells per address
// what became of the message. The price is one SMTP transaction per
// address, which a reused connection makes cheap.
package email

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/certsvc/certsvc/ent"
	"github.com/certsvc/certsvc/ent/notificationsettings"
	"github.com/certsvc/certsvc/internal/mail"
	"github.com/certsvc/certsvc/internal/outbox"
)

// Name is the channel's name in the outbox.
const Name = "email"

// Sender sends one message from its From address; *mail.Sender is one.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
	From() string
}

// Channel implements outbox.Channel for e-mail.
type Channel struct {
	db        *ent.Client
	sender    Sender
	tmpl      *mail.Templates // nil when sender is
	operators []string
	opLang    string // the language of operator notices
}

var _ outbox.Channel = (*Channel)(nil)

// New returns the channel over db sending with sender; operators get the
// operator notices, in operatorLang (one of mail.Languages; "" is the
// first). A nil sender means e-mail is off: nobody is a target.
func New(db *ent.Client, sender Sender, operators []string, operatorLang string) (*Channel, error) {
	if operatorLang == "" {
		operatorLang = mail.Languages[0]
	}
	if !slices.Contains(mail.Languages, operatorLang) {
		return nil, fmt.Errorf("operator language %q: not one of %v", operatorLang, mail.Languages)
	}
	if s, ok := sender.(*mail.Sender); ok && s == nil {
		sender = nil // a nil *mail.Sender is "off" too
	}
	c := &Channel{db: db, sender: sender, operators: operators, opLang: operatorLang}
	if sender == nil {
		// Nothing is rendered with e-mail off: a server without a relay
		// does not keep the parsed templates (0.6 MB of heap).
		return c, nil
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		return nil, err
	}
	c.tmpl = tmpl
	return c, nil
}

// Name implements outbox.Channel.
func (c *Channel) Name() string { return Name }

// Enabled reports whether e-mail is on (an SMTP relay is set up).
func (c *Channel) Enabled() bool { return c.sender != nil }

// MessageID is the Message-ID header the e-mail of delivery id carries on
// every attempt; "" when e-mail is off.
func (c *Channel) MessageID(deliveryID int64) string {
	if c.sender == nil {
		return ""
	}
	return mail.MessageIDFor(mail.DeliveryMessageID(deliveryID), c.sender.From())
}

// CustomerTypes are the notice types an account may want by e-mail: all
// but the operator's and the test message (which is always sent).
func CustomerTypes() []outbox.Type {
	var ts []outbox.Type
	for _, t := range outbox.Types() {
		if !t.Operator() && t != outbox.Test {
			ts = append(ts, t)
		}
	}
	return ts
}

// Wants reports whether settings s ask for notices of type t.
func Wants(s *ent.NotificationSettings, t outbox.Type) bool {
	if t == outbox.Test {
		return true
	}
	if t.Operator() {
		return false
	}
	return len(s.EventTypes) == 0 || slices.Contains(s.EventTypes, string(t))
}

// Targets implements outbox.Channel: for each notice, the recipients of
// its account's settings when they want its type, one target each, or the
// operators for an operator notice. The settings of all the accounts are
// read at once.
func (c *Channel) Targets(ctx context.Context, ns []*outbox.Notice) ([][]string, error) {
	out := make([][]string, len(ns))
	if c.sender == nil {
		return out, nil
	}
	accounts := outbox.Accounts(ns)
	settings := map[int64]*ent.NotificationSettings{}
	if len(accounts) > 0 {
		rows, err := c.db.NotificationSettings.Query().Where(notificationsettings.AccountIDIn(accounts...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("read notification settings of %d accounts: %w", len(accounts), err)
		}
		for _, s := range rows {
			settings[s.AccountID] = s
		}
	}
	for i, n := range ns {
		if n.AccountID == 0 {
			out[i] = slices.Clone(c.operators)
		} else if s := settings[n.AccountID]; s != nil && Wants(s, n.Type) {
			out[i] = slices.Clone(s.Recipients)
		}
	}
	return out, nil
}

// smtpAccepted is the SMTP reply code of a message the relay accepted.
const smtpAccepted = 250

// Deliver implements outbox.Channel: renders d's notice in the account's
// language and sends it to d.Target under a Message-ID made from d.ID, the
// same on every attempt.
func (c *Channel) Deliver(ctx context.Context, d *outbox.Delivery) error {
	if c.sender == nil {
		return errors.New("e-mail is off: no --smtp-host")
	}
	lang := c.opLang
	if d.Notice.AccountID != 0 {
		s, err := c.settings(ctx, d.Notice.AccountID)
		if err != nil {
			return err
		}
		// A recipient taken out of the settings since the fan-out gets no more.
		if s == nil || !slices.Contains(s.Recipients, d.Target) {
			return outbox.Permanent(fmt.Errorf("%s is no longer a recipient of account %d", d.Target, d.Notice.AccountID))
		}
		lang = string(s.Language)
	}
	if err := c.send(ctx, lang, mail.DeliveryMessageID(d.ID), d.Notice, []string{d.Target}); err != nil {
		return err
	}
	// The relay accepted the message: its reply to the end of DATA, which
	// the SMTP client takes only when it is 250 (RFC 5321 4.3.2).
	d.Status = smtpAccepted
	return nil
}

// SendTest sends a test message to recipients now, in lang ("" for the
// account's settings' or English), and returns when the relay accepted it.
func (c *Channel) SendTest(ctx context.Context, accountID int64, id string, lang string, recipients []string) error {
	if c.sender == nil {
		return errors.New("e-mail is off: no --smtp-host")
	}
	if !c.tmpl.Has(lang, string(outbox.Test)) {
		lang = mail.Languages[0]
	}
	n := &outbox.Notice{Type: outbox.Test, AccountID: accountID}
	return c.send(ctx, lang, id, n, recipients)
}

func (c *Channel) send(ctx context.Context, lang, id string, n *outbox.Notice, to []string) error {
	content, err := c.tmpl.Render(lang, string(n.Type), n)
	if err != nil {
		return outbox.Permanent(err)
	}
	err = c.sender.Send(ctx, mail.Message{
		ID: id, To: to, Subject: content.Subject, Text: content.Text, HTML: content.HTML,
		Language: lang, Date: n.Time,
	})
	if err == nil {
		return nil
	}
	var me *mail.Error
	if errors.As(err, &me) && me.Code() != 0 {
		err = &outbox.StatusError{Code: me.Code(), Err: err}
	}
	if mail.Permanent(err) {
		return outbox.Permanent(err)
	}
	return err
}

// settings reads an account's settings; nil when it has none.
func (c *Channel) settings(ctx context.Context, accountID int64) (*ent.NotificationSettings, error) {
	s, err := c.db.NotificationSettings.Query().Where(notificationsettings.AccountID(accountID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read notification settings of account %d: %w", accountID, err)
	}
	return s, nil
}
