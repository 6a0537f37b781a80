package notify

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// envelope is what a message carries besides its rendered parts.
type envelope struct {
	From      *mail.Address
	ReplyTo   string // "" for none
	MessageID string // without angle brackets
	Date      time.Time
}

// buildMIME writes e as a multipart/alternative message (plain text first, then
// HTML, so clients show the richest part they can), both parts UTF-8 in
// quoted-printable, with CRLF line ends as SMTP wants.
func buildMIME(env envelope, e Email) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range []struct{ ctype, content string }{
		{"text/plain; charset=utf-8", e.Text},
		{"text/html; charset=utf-8", e.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, fmt.Errorf("write %s part: %w", p.ctype, err)
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(p.content)); err != nil {
			return nil, fmt.Errorf("write %s part: %w", p.ctype, err)
		}
		if err := qp.Close(); err != nil {
			return nil, fmt.Errorf("write %s part: %w", p.ctype, err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("close multipart body: %w", err)
	}

	var m bytes.Buffer
	// Values come from configuration and rendering; a line break would start a new
	// header (header injection), so none survives.
	oneLine := strings.NewReplacer("\r", "", "\n", "").Replace
	header := func(k, v string) { fmt.Fprintf(&m, "%s: %s\r\n", k, oneLine(v)) }
	header("From", env.From.String())
	header("To", e.To)
	if env.ReplyTo != "" {
		header("Reply-To", env.ReplyTo)
	}
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(e.Subject)))
	header("Date", env.Date.Format(time.RFC1123Z))
	header("Message-ID", "<"+env.MessageID+">")
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	m.WriteString("\r\n")
	m.Write(body.Bytes())
	return m.Bytes(), nil
}
