package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/ledger"
)

// errDifferences makes `libres reconcile` exit 1 after printing its table.
var errDifferences = errors.New("reconcile: the ledger differs from orders, quote payments, refunds and payouts (table above)")

// reconcileCmd recomputes the ledger from orders, quote payments, refunds and payouts
// for a period of Bogotá days (--from and --to inclusive; either may be left out) and
// prints a table per account; differences make it fail.
func reconcileCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fromS := fs.String("from", "", "first day, YYYY-MM-DD (Bogotá)")
	toS := fs.String("to", "", "last day, YYYY-MM-DD (Bogotá), included")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	from, to, err := reconcilePeriod(*fromS, *toS)
	if err != nil {
		return err
	}
	conn, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	r, err := ledger.New(conn, ledger.Options{}).Reconcile(ctx, from, to)
	if err != nil {
		return err
	}
	if err := r.WriteTable(stdout); err != nil {
		return err
	}
	if !r.OK() {
		return errDifferences
	}
	return nil
}

// reconcilePeriod turns the day flags into [from, to) instants in Bogotá.
func reconcilePeriod(fromS, toS string) (from, to time.Time, err error) {
	day := func(s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, ledger.Bogota)
		if err != nil {
			return time.Time{}, fmt.Errorf("reconcile: %q is not a date YYYY-MM-DD: %w", s, errUsage)
		}
		return t, nil
	}
	if from, err = day(fromS); err != nil {
		return
	}
	if to, err = day(toS); err != nil {
		return
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, fmt.Errorf("reconcile: --from %s is after --to %s: %w", fromS, toS, errUsage)
	}
	return from, to, nil
}
