package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strconv"
	"time"
)

// smtpServer is a parsed SMTP_URL.
type smtpServer struct {
	host, port   string
	user, pass   string
	implicitTLS  bool // smtps://
	requireStart bool // smtp://…?starttls=required
}

// parseSMTPURL reads smtp://[user:pass@]host:port[?starttls=required] or
// smtps://[user:pass@]host:port. Plain smtp:// upgrades with STARTTLS whenever the
// server offers it.
func parseSMTPURL(s string) (smtpServer, error) {
	u, err := url.Parse(s)
	if err != nil {
		return smtpServer{}, errors.New("SMTP URL does not parse")
	}
	srv := smtpServer{host: u.Hostname(), port: u.Port(), implicitTLS: u.Scheme == "smtps"}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return smtpServer{}, fmt.Errorf("SMTP URL scheme %q: want smtp or smtps", u.Scheme)
	}
	if p, err := strconv.Atoi(srv.port); err != nil || p < 1 || p > 65535 || srv.host == "" {
		return smtpServer{}, errors.New("SMTP URL: want host:port")
	}
	if u.User != nil {
		srv.user = u.User.Username()
		srv.pass, _ = u.User.Password()
	}
	for k, v := range u.Query() {
		if k != "starttls" || len(v) != 1 || v[0] != "required" || srv.implicitTLS {
			return smtpServer{}, fmt.Errorf("SMTP URL option %s=%v: the only option is starttls=required, with smtp://", k, v)
		}
		srv.requireStart = true
	}
	return srv, nil
}

// permanentError is a refusal that retrying will not change (the server rejected the
// recipient with a 5xx code).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// send delivers one message: dial (TLS at once for smtps), STARTTLS when offered or
// required, AUTH PLAIN when the URL has a user, MAIL, RCPT, DATA. net/smtp refuses to
// send a password over an unencrypted connection except to localhost.
func (s smtpServer) send(ctx context.Context, from, to string, msg []byte) error {
	addr := net.JoinHostPort(s.host, s.port)
	d := net.Dialer{Timeout: 15 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to SMTP server %s: %w", addr, err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	_ = conn.SetDeadline(deadline)
	tlsConfig := &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if s.implicitTLS {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("greeting from SMTP server %s: %w", addr, err)
	}
	defer c.Close()
	if !s.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("STARTTLS with %s: %w", addr, err)
			}
		} else if s.requireStart {
			return fmt.Errorf("SMTP server %s does not offer STARTTLS, which SMTP_URL requires", addr)
		}
	}
	if s.user != "" {
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return fmt.Errorf("authenticate to SMTP server %s as %s: %w", addr, s.user, err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM %s: %w", from, err)
	}
	if err := c.Rcpt(to); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return permanentError{fmt.Errorf("recipient %s refused: %w", to, err)}
		}
		return fmt.Errorf("RCPT TO %s: %w", to, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	// The server has accepted the message; a failed QUIT does not unsend it.
	_ = c.Quit()
	return nil
}
