package notify

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestBuildMIME(t *testing.T) {
	e := Email{To: "ana@example.co", Subject: "Restablece tu contraseña — año nuevo\r\nBcc: evil@example.co",
		Text: "Hola, Ñandú:\n\nhttps://libres.example/clave?token=" + strings.Repeat("a", 120) + "\n",
		HTML: "<p>Hola, Ñandú</p>"}
	from := &mail.Address{Name: "Fundación Libres", Address: "no-reply@libres.example"}
	date := time.Date(2026, 5, 4, 10, 30, 0, 0, time.UTC)
	raw, err := buildMIME(envelope{From: from, ReplyTo: "hola@libres.example", MessageID: "libres.7.1@libres.example", Date: date}, e)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d is not a proper SMTP line: %q", i, line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if h.Get("Bcc") != "" {
		t.Error("a line break in the subject became a header")
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subj != "Restablece tu contraseña — año nuevoBcc: evil@example.co" {
		t.Errorf("Subject = %q (%v)", subj, err)
	}
	if a, err := mail.ParseAddress(h.Get("From")); err != nil || a.Name != "Fundación Libres" || a.Address != from.Address {
		t.Errorf("From = %q (%v)", h.Get("From"), err)
	}
	if got, err := h.Date(); err != nil || !got.Equal(date) {
		t.Errorf("Date = %v (%v)", got, err)
	}
	for k, want := range map[string]string{"To": "ana@example.co", "Reply-To": "hola@libres.example",
		"Message-ID": "<libres.7.1@libres.example>", "MIME-Version": "1.0"} {
		if h.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v)", h.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for _, want := range []struct{ ctype, body string }{{"text/plain", e.Text}, {"text/html", e.HTML}} {
		p, err := mr.NextRawPart()
		if err != nil {
			t.Fatalf("part %s: %v", want.ctype, err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if ct != want.ctype || cp["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part header %v", p.Header)
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(string(b), "\r\n", "\n"); got != want.body {
			t.Errorf("%s part = %q, want %q", want.ctype, got, want.body)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("want exactly two parts, got more (%v)", err)
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		in   string
		want smtpServer
		bad  bool
	}{
		{in: "smtp://127.0.0.1:1025", want: smtpServer{host: "127.0.0.1", port: "1025"}},
		{in: "smtp://u%40x:p%3Ass@mail.example.co:587?starttls=required",
			want: smtpServer{host: "mail.example.co", port: "587", user: "u@x", pass: "p:ss", requireStart: true}},
		{in: "smtps://u:p@mail.example.co:465", want: smtpServer{host: "mail.example.co", port: "465", user: "u", pass: "p", implicitTLS: true}},
		{in: "smtp://mail.example.co", bad: true},
		{in: "smtps://mail.example.co:465?starttls=required", bad: true},
		{in: "smtp://mail.example.co:25?starttls=maybe", bad: true},
		{in: "http://mail.example.co:25", bad: true},
		{in: "", bad: true},
	}
	for _, tt := range tests {
		got, err := parseSMTPURL(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("parseSMTPURL(%q) accepted", tt.in)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSMTPURL(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}
