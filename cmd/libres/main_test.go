package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/libres/storefront/internal/config"
)

// asCommand, set to 1 in a child process's environment, makes the test binary the
// libres command itself (main with the child's arguments): tests start real `libres
// serve` processes this way without building the binary again. The parent holds the
// child's standard input open; when it closes (the test ended, or was killed by a
// timeout) the child stops as on SIGTERM, so no server outlives its test.
const asCommand = "LIBRES_TEST_AS_COMMAND"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}()
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestRunRejectsBadConfigNamingTheVariable(t *testing.T) {
	env := map[string]string{"PORT": "not-a-port", "DATABASE_URL": "postgres://x@127.0.0.1:1/db"}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, &out, &errOut)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Var != "PORT" {
		t.Fatalf("run = %v, want a configuration error naming PORT", err)
	}
}

func TestRunWithoutDatabaseURL(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, func(string) string { return "" }, &out, &errOut)
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Var != "DATABASE_URL" {
		t.Fatalf("run = %v, want a configuration error naming DATABASE_URL", err)
	}
}

func TestRunUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"dance"}, func(k string) string {
		return map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/db"}[k]
	}, &out, &errOut)
	if !errors.Is(err, errUsage) {
		t.Fatalf("run = %v, want usage error", err)
	}
}
