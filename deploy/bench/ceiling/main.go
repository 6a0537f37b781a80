// Command ceiling is the read ceiling of `make bench`: the fastest a Gin handler answers on
// this machine, with nothing behind it. GET /plaintext answers "Hello, World!"; GET /page
// answers 22 KB of HTML-like bytes held in memory (the size of a rendered store page).
// The store's read routes are reported as a ratio of /plaintext's req/s, measured in the
// same run, so that the figures compare across machines. It is not part of the store.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
)

// pageSize is the size of the in-memory page, close to a rendered listing.
const pageSize = 22 * 1024

// page builds pageSize bytes of repetitive markup.
func page() []byte {
	var b bytes.Buffer
	b.WriteString("<!doctype html><html lang=\"es\"><head><meta charset=\"utf-8\"><title>Ceiling</title></head><body><ul>\n")
	for b.Len() < pageSize-64 {
		b.WriteString("<li><a href=\"/producto/ejemplo\">Producto de ejemplo</a> $ 189.000</li>\n")
	}
	b.WriteString("</ul></body></html>\n")
	for b.Len() < pageSize {
		b.WriteByte('\n')
	}
	return b.Bytes()[:pageSize]
}

func router() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New() // no logger, no recovery: the least work a Gin route can do
	hello := []byte("Hello, World!")
	body := page()
	r.GET("/plaintext", func(c *gin.Context) { c.Data(http.StatusOK, "text/plain; charset=utf-8", hello) })
	r.GET("/page", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", body) })
	return r
}

func run(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: addr, Handler: router(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Printf("ceiling: listening on %s", addr)
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8091", "listen address")
	flag.Parse()
	if err := run(*addr); err != nil {
		log.Fatalf("ceiling: %v", err)
	}
}
