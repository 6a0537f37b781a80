package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"
)

// balancer is the small reverse proxy the cluster test puts in front of the replicas,
// as a Kubernetes Service or a load balancer would be: round-robin over the replicas in
// service, X-Forwarded-For set, and the replica that answered named in X-Replica. It
// counts, per replica, the requests picked but not yet written to it (on their way)
// and those written but not yet answered (in flight), so a test can take a replica out
// of service, wait until nothing is still on its way to it, and stop it.
type balancer struct {
	t   *testing.T
	srv *httptest.Server
	url string

	mu       sync.Mutex
	rotation []*replica
	next     int
	onWay    map[string]int
	inFlight map[string]int
	answered map[string]int
	failed   int // requests the proxy could not forward (502)
}

type pickKey struct{}

func startBalancer(t *testing.T) *balancer {
	t.Helper()
	b := &balancer{t: t, onWay: map[string]int{}, inFlight: map[string]int{}, answered: map[string]int{}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	rp := &httputil.ReverseProxy{
		Transport: tr,
		Rewrite: func(pr *httputil.ProxyRequest) {
			r := pr.In.Context().Value(pickKey{}).(*replica)
			u, _ := url.Parse(r.url)
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host // the public host, as a load balancer keeps it
			pr.SetXForwarded()
		},
		ModifyResponse: func(res *http.Response) error {
			res.Header.Set("X-Replica", res.Request.Context().Value(pickKey{}).(*replica).name)
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, req *http.Request, err error) {
			b.mu.Lock()
			b.failed++
			b.mu.Unlock()
			t.Logf("proxy: %s %s to %s: %v", req.Method, req.URL.Path, req.Context().Value(pickKey{}).(*replica).name, err)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r := b.pick()
		if r == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		var once sync.Once
		written := func() {
			once.Do(func() {
				b.mu.Lock()
				b.onWay[r.name]--
				b.inFlight[r.name]++
				b.mu.Unlock()
			})
		}
		ctx := context.WithValue(req.Context(), pickKey{}, r)
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { written() }})
		rp.ServeHTTP(w, req.WithContext(ctx))
		written() // when the request failed before it was written
		b.mu.Lock()
		b.inFlight[r.name]--
		b.answered[r.name]++
		b.mu.Unlock()
	}))
	t.Cleanup(b.srv.Close)
	b.url = b.srv.URL
	return b
}

// pick is the next replica in service, counted on its way.
func (b *balancer) pick() *replica {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.rotation) == 0 {
		return nil
	}
	r := b.rotation[b.next%len(b.rotation)]
	b.next++
	b.onWay[r.name]++
	return r
}

// add puts r in service.
func (b *balancer) add(r *replica) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rotation = append(b.rotation, r)
}

// remove takes the replica named name out of service, as Kubernetes takes a
// terminating pod out of the endpoints, and waits until no request picked for it is
// still on its way (the equivalent of a preStop pause, without guessing its length).
// It returns how many requests it then has in flight.
func (b *balancer) remove(name string) int {
	b.t.Helper()
	b.mu.Lock()
	b.rotation = slices.DeleteFunc(b.rotation, func(r *replica) bool { return r.name == name })
	b.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.mu.Lock()
		onWay, inFlight := b.onWay[name], b.inFlight[name]
		b.mu.Unlock()
		if onWay == 0 {
			return inFlight
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%d requests still on their way to %s 30 s after it left the rotation", onWay, name)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitBusy waits, at most bound, until the replica named name has a request in
// flight, so that stopping it then puts its graceful shutdown to the test; it says
// whether one came.
func (b *balancer) waitBusy(name string, bound time.Duration) bool {
	for deadline := time.Now().Add(bound); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b.mu.Lock()
		n := b.inFlight[name]
		b.mu.Unlock()
		if n > 0 {
			return true
		}
	}
	return false
}

// front is the balancer as a replica a visitor can ask.
func (b *balancer) front() *replica { return &replica{name: "proxy", url: b.url} }

// answers is how many requests each replica answered through the proxy, and how many
// the proxy could not forward.
func (b *balancer) answers() (map[string]int, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := map[string]int{}
	for k, v := range b.answered {
		m[k] = v
	}
	return m, b.failed
}
