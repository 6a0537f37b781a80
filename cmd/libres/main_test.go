package main

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/libres/storefront/internal/config"
)

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
