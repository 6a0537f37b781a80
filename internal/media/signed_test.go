package media

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

var pdfBytes = []byte("%PDF-1.4\n% a company's logo\n")

// A signed link opens the private file, under its own name, until it expires; a link
// with its signature, expiry or key changed opens nothing.
func TestDiskSignedLinks(t *testing.T) {
	ctx := context.Background()
	d, _ := newTestDisk(t)
	key := "quotes/ab/abcdef.pdf"
	if err := d.Put(ctx, key, pdfBytes, "application/pdf"); err != nil {
		t.Fatal(err)
	}
	link, err := d.SignedURL(ctx, key, "logo empresa.pdf", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, PrivatePath+"/"+key+"?") {
		t.Fatalf("link = %s", link)
	}
	srv := httptest.NewServer(http.StripPrefix(PrivatePath, d.PrivateHandler()))
	defer srv.Close()
	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		return anonGet(t, srv.URL+u)
	}
	resp, body := get(link)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pdfBytes) {
		t.Fatalf("signed link = %d %q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "logo empresa.pdf") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q", cc)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	tampered := []string{
		PrivatePath + "/" + key, // no signature
		strings.Replace(link, "quotes/ab/abcdef.pdf", "quotes/ab/other.pdf", 1), // another key
	}
	q2 := url.Values{"e": {q.Get("e")}, "n": {"x.pdf"}, "s": {q.Get("s")}} // another name
	tampered = append(tampered, u.Path+"?"+q2.Encode())
	q3 := url.Values{"e": {"9999999999"}, "n": {q.Get("n")}, "s": {q.Get("s")}} // a later expiry
	tampered = append(tampered, u.Path+"?"+q3.Encode())
	for _, l := range tampered {
		if resp, _ := get(l); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", l, resp.StatusCode)
		}
	}
	// The public handler never serves private keys, signed or not.
	pub := httptest.NewServer(http.StripPrefix("/media", d.Handler()))
	defer pub.Close()
	if resp, _ := anonGet(t, pub.URL+"/media/"+key); resp.StatusCode != http.StatusNotFound {
		t.Errorf("public GET of a private key = %d, want 404", resp.StatusCode)
	}
	// A link whose (correctly signed) expiry has passed is refused.
	exp := time.Now().Add(-time.Second).Unix()
	old := PrivatePath + "/" + key + "?" + url.Values{"e": {strconv.FormatInt(exp, 10)}, "n": {"a.pdf"},
		"s": {d.sign(key, "a.pdf", exp)}}.Encode()
	if resp, _ := get(old); resp.StatusCode != http.StatusNotFound {
		t.Errorf("expired link = %d, want 404", resp.StatusCode)
	}
	if _, err := d.SignedURL(ctx, key, "a.pdf", 2*MaxSignedTTL); err == nil {
		t.Error("a link longer than MaxSignedTTL was signed")
	}
}

// S3: the presigned link opens the private object straight from the server; the
// object's plain URL stays forbidden.
func TestS3SignedLinks(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestS3(t)
	key := "quotes/cd/cdef.pdf"
	if err := s.Put(ctx, key, pdfBytes, "application/pdf"); err != nil {
		t.Fatal(err)
	}
	link, err := s.SignedURL(ctx, key, "logo.pdf", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := anonGet(t, link)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, pdfBytes) {
		t.Fatalf("presigned GET = %d %.200s", resp.StatusCode, body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "logo.pdf") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if resp, _ := anonGet(t, s.URL(key)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("plain GET of a private object = %d, want 403", resp.StatusCode)
	}
	bad := strings.Replace(link, "cdef.pdf", "cdeg.pdf", 1)
	if resp, _ := anonGet(t, bad); resp.StatusCode == http.StatusOK {
		t.Errorf("a presigned link for another key opened")
	}
}
