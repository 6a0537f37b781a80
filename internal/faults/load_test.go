package faults

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// unavailableHeading is the 503 page's heading (Spanish, the default language).
const unavailableHeading = "Volvemos en un momento"

// phase is when a request was answered relative to a fault.
type phase int32

const (
	before phase = iota
	during
	after
)

// load is shoppers browsing, adding to cart and checking out by transfer, each visit
// with a new cart and email, until stopped; it counts every answer by phase.
type load struct {
	base  string
	cat   catalog
	tag   string // in every shopper's email address: unique to this load
	phase atomic.Int32

	mu       sync.Mutex
	sent     int
	statuses [3]map[int]int // by phase
	hung     int            // no answer within requestBound
	noRetry  int            // 503s without Retry-After or the page saying to come back
	placed   map[string]phase
	firstOK  time.Time // first add to cart answered after the fault ended
	faultEnd time.Time
	stop     chan struct{}
	halted   sync.Once
	wg       sync.WaitGroup
}

// newLoad counts answers for visits the caller makes (visit, place).
func newLoad(base string, cat catalog) *load {
	var b [4]byte
	_, _ = rand.Read(b[:])
	l := &load{base: base, cat: cat, tag: hex.EncodeToString(b[:]), placed: map[string]phase{}, stop: make(chan struct{})}
	for i := range l.statuses {
		l.statuses[i] = map[int]int{}
	}
	return l
}

// startLoad runs shoppers, each making one visit after another until halted.
func startLoad(base string, cat catalog, shoppers int) *load {
	l := newLoad(base, cat)
	for w := range shoppers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				l.visit(fmt.Sprintf("w%d-%d-%s@faults.test", w, i, l.tag), cat.variants[i%len(cat.variants)])
			}
		}()
	}
	return l
}

// place makes one visit and fails the test unless it ends with an order placed.
func (l *load) place(t *testing.T, email string) {
	t.Helper()
	l.visit(email, l.cat.variants[0])
	l.mu.Lock()
	_, ok := l.placed[email]
	l.mu.Unlock()
	if !ok {
		t.Fatalf("order for %s not placed; answers: %s", email, l.summary())
	}
}

// set moves the load to the next phase.
func (l *load) set(p phase) {
	l.mu.Lock()
	if p == after {
		l.faultEnd = time.Now()
	}
	l.mu.Unlock()
	l.phase.Store(int32(p))
}

// halt stops the shoppers and waits for their last requests.
func (l *load) halt() {
	l.halted.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// visit is one shopper's way from the product page to a placed order; it ends at the
// first answer that does not let the shopper go on.
func (l *load) visit(email string, variant int64) {
	sh := newShopper(l.base)
	steps := []struct {
		method, path string
		form         url.Values
		want         int
	}{
		{http.MethodGet, "/producto/" + l.cat.slug, nil, http.StatusOK},
		{http.MethodPost, "/carrito", url.Values{"variant": {strconv.FormatInt(variant, 10)}, "quantity": {"1"}}, http.StatusSeeOther},
		{http.MethodPost, "/pagar", checkoutForm(email), http.StatusOK},
		{http.MethodPost, "/pagar", nil, http.StatusSeeOther},
	}
	var total string
	for i, s := range steps {
		if i == 3 {
			s.form = checkoutForm(email)
			s.form.Set("action", "place")
			s.form.Set("quoted_total", total)
		}
		r, err := sh.do(s.method, s.path, s.form)
		p := l.record(r, err, i == 1)
		if err != nil || r.status != s.want {
			return
		}
		if i == 2 {
			var ok bool
			if total, ok = r.doc.Find(`input[name="quoted_total"]`).Attr("value"); !ok {
				return
			}
		}
		if i == 3 {
			l.mu.Lock()
			l.placed[email] = p
			l.mu.Unlock()
		}
	}
}

// record counts an answer in the phase it ended in.
func (l *load) record(r reply, err error, touchesDB bool) phase {
	p := phase(l.phase.Load())
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	if err != nil {
		if r.took >= requestBound-time.Second {
			l.hung++
		}
		l.statuses[p][0]++ // no answer
		return p
	}
	l.statuses[p][r.status]++
	if r.status == http.StatusServiceUnavailable && (r.header.Get("Retry-After") == "" || text(r.doc.Find(".error-page h1")) != unavailableHeading) {
		l.noRetry++
	}
	if p == after && touchesDB && r.status < 400 && l.firstOK.IsZero() {
		l.firstOK = time.Now()
	}
	return p
}

// placedIn counts the orders placed (answered with a redirect) in phase p.
func (l *load) placedIn(p phase) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, q := range l.placed {
		if q == p {
			n++
		}
	}
	return n
}

// waitPlaced waits until n orders were placed in phase p, at most bound.
func (l *load) waitPlaced(t *testing.T, p phase, n int, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for l.placedIn(p) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d orders placed in %v (phase %d), want %d; answers: %s", l.placedIn(p), bound, p, n, l.summary())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count is how many answers in phase p had status (0: no answer).
func (l *load) count(p phase, status int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.statuses[p][status]
}

// total is how many answers of status there were in all phases.
func (l *load) total(status int) int {
	n := 0
	for p := range l.statuses {
		n += l.count(phase(p), status)
	}
	return n
}

// summary lists the answers by phase and status.
func (l *load) summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := ""
	for p, m := range l.statuses {
		var codes []int
		for c := range m {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		s += []string{"before", " during", " after"}[p] + ":"
		for _, c := range codes {
			s += fmt.Sprintf(" %d×%d", c, m[c])
		}
	}
	return s
}
