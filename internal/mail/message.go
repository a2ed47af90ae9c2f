package mail

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is one e-mail to send.
type Message struct {
	// ID makes the Message-ID, <ID@domain of From>: the same ID gives the same
	// Message-ID, so a message sent again after a crash is recognisably the
	// same message. The outbox's e-mail channel uses DeliveryMessageID.
	ID string
	// To are the recipients' bare addresses.
	To []string
	// Subject, Text and HTML are the content; HTML may be empty (a text/plain
	// message then).
	Subject    string
	Text, HTML string
	// Language is the Content-Language of the content ("en", "ru").
	Language string
	// Date is the Date header; zero means now.
	Date time.Time
}

// DeliveryMessageID is the Message.ID of the outbox delivery id: stable
// across retries of the delivery.
func DeliveryMessageID(deliveryID int64) string {
	return fmt.Sprintf("certsvc.delivery.%d", deliveryID)
}

// MessageIDFor is the Message-ID header of a message with Message.ID id
// sent from the address from: <id@domain of from>.
func MessageIDFor(id, from string) string {
	return "<" + id + "@" + from[strings.LastIndexByte(from, '@')+1:] + ">"
}

// errNoRecipients is a Message without To.
var errNoRecipients = errors.New("message has no recipients")

// build renders m as RFC 5322 text with CRLF line ends, from the sender's
// address from.
func build(m *Message, from *mail.Address) ([]byte, error) {
	if len(m.To) == 0 {
		return nil, errNoRecipients
	}
	if m.ID == "" {
		return nil, errors.New("message has no ID")
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteString("\r\n")
	}
	header("Date", date.Format(time.RFC1123Z))
	header("From", from.String())
	to := make([]string, len(m.To))
	for i, a := range m.To {
		if strings.ContainsAny(a, "\r\n<>,") {
			return nil, fmt.Errorf("recipient %q is not an address", a)
		}
		to[i] = (&mail.Address{Address: a}).String()
	}
	header("To", strings.Join(to, ",\r\n "))
	header("Subject", encodeHeader(m.Subject))
	header("Message-ID", MessageIDFor(m.ID, from.Address))
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	if m.Language != "" {
		header("Content-Language", m.Language)
	}
	if m.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQP(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	for _, p := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		var part bytes.Buffer
		if err := writeQP(&part, p.body); err != nil {
			return nil, err
		}
		if _, err := w.Write(part.Bytes()); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeQP writes s quoted-printable with CRLF line ends.
func writeQP(b *bytes.Buffer, s string) error {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	qp := quotedprintable.NewWriter(b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n"))); err != nil {
		return err
	}
	return qp.Close()
}

// encodeHeader encodes a header value per RFC 2047 when it is not plain
// ASCII (base64 encoded-words, which are shorter than Q for Cyrillic),
// folded between encoded-words so no line is longer than 78 characters.
func encodeHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
	enc := mime.BEncoding.Encode("utf-8", s)
	if enc == s {
		return s
	}
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}
