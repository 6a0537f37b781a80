package main

import (
	"context"
	"net/http"
	"net/http/httptest"
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
// counts the requests each replica was sent and has not answered yet, so a test can
// take a replica out of service and wait until it has answered all it was sent.
type balancer struct {
	t   *testing.T
	srv *httptest.Server
	url string

	mu       sync.Mutex
	rotation []*replica
	next     int
	busy     map[string]int // requests sent and not yet answered
	answered map[string]int
	failed   int // requests the proxy could not forward (502)
}

type pickKey struct{}

func startBalancer(t *testing.T) *balancer {
	t.Helper()
	b := &balancer{t: t, busy: map[string]int{}, answered: map[string]int{}}
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
		rp.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), pickKey{}, r)))
		b.mu.Lock()
		b.busy[r.name]--
		b.answered[r.name]++
		b.mu.Unlock()
	}))
	t.Cleanup(b.srv.Close)
	b.url = b.srv.URL
	return b
}

// pick is the next replica in service, counted busy.
func (b *balancer) pick() *replica {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.rotation) == 0 {
		return nil
	}
	r := b.rotation[b.next%len(b.rotation)]
	b.next++
	b.busy[r.name]++
	return r
}

// add puts r in service.
func (b *balancer) add(r *replica) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rotation = append(b.rotation, r)
}

// remove takes the replica named name out of service, as Kubernetes takes a
// terminating pod out of the endpoints, and waits until every request the proxy sent
// it has its answer: the equivalent of a preStop pause, without guessing its length.
// Stopping a replica while the proxy may still write a request to one of its
// keep-alive connections loses that request: Go's http.Server.Shutdown closes a
// connection it has not read the next request from yet, and a proxy does not send a
// POST again. A deployment needs the same pause (preStop) before SIGTERM.
func (b *balancer) remove(name string) {
	b.t.Helper()
	b.mu.Lock()
	b.rotation = slices.DeleteFunc(b.rotation, func(r *replica) bool { return r.name == name })
	b.mu.Unlock()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.mu.Lock()
		busy := b.busy[name]
		b.mu.Unlock()
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%d requests to %s still unanswered 30 s after it left the rotation", busy, name)
		}
		time.Sleep(time.Millisecond)
	}
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
