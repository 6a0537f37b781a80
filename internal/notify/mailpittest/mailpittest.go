// Package mailpittest lets tests read the emails the store sends, through the HTTP API
// of the Mailpit server that `make test` starts (LIBRES_TEST_SMTP_URL to send to it,
// LIBRES_TEST_MAILPIT_URL to read from it). Tests share one Mailpit, so each should
// send to its own Address(t).
package mailpittest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Mailbox is an address in a message's headers.
type Mailbox struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// Message is one received email as Mailpit parsed it.
type Message struct {
	ID        string    `json:"ID"`
	MessageID string    `json:"MessageID"`
	From      Mailbox   `json:"From"`
	To        []Mailbox `json:"To"`
	ReplyTo   []Mailbox `json:"ReplyTo"`
	Subject   string    `json:"Subject"`
	Text      string    `json:"Text"`
	HTML      string    `json:"HTML"`
}

func env(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("LIBRES_TEST_REQUIRE") == "1" {
			t.Fatalf("%s is not set", name)
		}
		t.Skipf("%s not set: Mailpit not configured (run `make test`, or deploy/mailpit.sh start DIR)", name)
	}
	return v
}

// URL returns Mailpit's web/API origin, or skips the test when Mailpit is not
// configured (fails under LIBRES_TEST_REQUIRE=1, as in `make test`).
func URL(t testing.TB) string {
	t.Helper()
	return strings.TrimRight(env(t, "LIBRES_TEST_MAILPIT_URL"), "/")
}

// SMTPURL returns the SMTP_URL that delivers to Mailpit, skipping like URL.
func SMTPURL(t testing.TB) string {
	t.Helper()
	URL(t)
	return env(t, "LIBRES_TEST_SMTP_URL")
}

// Address returns a recipient address no other test uses.
func Address(t testing.TB) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:]) + "@libres.test"
}

func get(t testing.TB, path string, v any) {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(URL(t) + path)
	if err != nil {
		t.Fatalf("mailpit: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit GET %s: %s %v\n%s", path, resp.Status, err, b)
	}
	if s, ok := v.(*[]byte); ok {
		*s = b
		return
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
}

// IDs returns the ids of the messages sent to addr, newest first.
func IDs(t testing.TB, to string) []string {
	t.Helper()
	var res struct {
		Messages []struct {
			ID string `json:"ID"`
		} `json:"messages"`
	}
	get(t, "/api/v1/search?query="+url.QueryEscape("to:"+to), &res)
	ids := make([]string, 0, len(res.Messages))
	for _, m := range res.Messages {
		ids = append(ids, m.ID)
	}
	return ids
}

// Count returns how many messages were sent to addr.
func Count(t testing.TB, to string) int {
	t.Helper()
	return len(IDs(t, to))
}

// Get returns the message with the given id.
func Get(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	get(t, "/api/v1/message/"+url.PathEscape(id), &m)
	return m
}

// Raw returns the message exactly as received (headers and MIME body).
func Raw(t testing.TB, id string) []byte {
	t.Helper()
	var b []byte
	get(t, "/api/v1/message/"+url.PathEscape(id)+"/raw", &b)
	return b
}

// WaitFor polls until a message to addr arrives and returns the newest one, failing
// the test after timeout.
func WaitFor(t testing.TB, to string, timeout time.Duration) Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if ids := IDs(t, to); len(ids) > 0 {
			return Get(t, ids[0])
		}
		if time.Now().After(deadline) {
			t.Fatalf("no email to %s within %s", to, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"']+`)

// Links returns the http(s) URLs in a plain-text body, in order.
func Links(text string) []string {
	return linkRE.FindAllString(text, -1)
}

// String is for failure messages.
func (m Message) String() string {
	return fmt.Sprintf("%q to %v", m.Subject, m.To)
}
