package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The store's cookies over plain http (__Host-… over https): the session of a
// logged-in person and the anonymous cart.
const (
	sessionCookie = "libres_session"
	cartCookie    = "libres_cart"
)

// liveAudit audits the pages a journey reaches, where it stands: some need the
// journey's session or cart, some are the answer to a POST and cannot be reloaded.
// axe runs in the journey's tab on every visit (each viewport); the HTML the server
// sends is saved once per page, by the first journey to get there, for one vnu run
// at the end of the part.
type liveAudit struct {
	a      artifacts
	axeSrc string
	axe    *axeReport

	mu    sync.Mutex
	saved []savedPage
	seen  map[string]bool
}

func newLiveAudit(a artifacts, axeSrc string, axe *axeReport) *liveAudit {
	return &liveAudit{a: a, axeSrc: axeSrc, axe: axe, seen: map[string]bool{}}
}

// check runs axe (and, on the phone, the reflow check) on the page tb shows now and
// fails the test, not the journey, for what they find. The first time name is
// checked, html gives the page as the server sends it, for vnu. shot is the
// screenshot of the step, named in failure messages.
func (l *liveAudit) check(ctx context.Context, t *testing.T, tb *tab, name, shot string, html func() ([]byte, error)) error {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return err
	}
	p := auditPage{name: name, kind: "live", path: u.RequestURI(), status: http.StatusOK}
	res, err := runAxe(ctx, l.axeSrc)
	if err != nil {
		return fmt.Errorf("axe on %s: %w", p, err)
	}
	reportAxe(t, tb.vp, p, res, shot, l.axe)
	if err := checkReflow(ctx, t, tb.vp, p, shot); err != nil {
		return err
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen[p.name] {
		return nil
	}
	body, err := html()
	if err != nil {
		return err
	}
	sp, err := savePage(l.a, p, body, shot)
	if err != nil {
		return err
	}
	l.seen[p.name] = true
	l.saved = append(l.saved, sp)
	return nil
}

// vnu checks the saved pages in one run of the Nu HTML Checker.
func (l *liveAudit) vnu(t *testing.T, e env, report *vnuReport) {
	t.Helper()
	l.mu.Lock()
	saved := append([]savedPage(nil), l.saved...)
	l.mu.Unlock()
	if len(saved) > 0 {
		runVNU(t, e, saved, report)
	}
}

// serverHTML GETs path with the tab's session and cart, as the browser would.
func (b *tab) serverHTML(ctx context.Context, path string) ([]byte, error) {
	return b.send(ctx, http.MethodGet, path, nil, http.StatusOK)
}

// send makes a request to the store with the tab's session and cart cookies (read
// with Network.getCookies), follows no redirect, and wants the answer to have status
// want; it returns the body. A POST sends form as the browser sends a form.
func (b *tab) send(ctx context.Context, method, path string, form url.Values, want int) ([]byte, error) {
	resp, body, err := b.do(ctx, method, path, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s with the tab's cookies answered %d, want %d", method, path, resp.StatusCode, want)
	}
	return body, nil
}

func (b *tab) do(ctx context.Context, method, path string, form url.Values) (*http.Response, []byte, error) {
	cs, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.base}})
	if err != nil {
		return nil, nil, fmt.Errorf("read the tab's cookies: %w", err)
	}
	var payload io.Reader
	if form != nil {
		payload = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, payload)
	if err != nil {
		return nil, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cs.Cookies {
		if c.Name == sessionCookie || c.Name == cartCookie {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s with the tab's cookies: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s with the tab's cookies: %w", method, path, err)
	}
	return resp, body, nil
}
