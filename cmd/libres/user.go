package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/libres/storefront/internal/account"
	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/config"
	"github.com/libres/storefront/internal/db"
	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/web"
)

// stdin is where `user create` reads a password from; tests replace it.
var stdin io.Reader = os.Stdin

// userCmd runs `libres user create --role ROLE --email ADDRESS [--name NAME]`. The password
// comes from standard input when it is not a terminal (a pipe or a file: it never shows
// up in the shell history or the process list); at a terminal a strong one is generated
// and printed once.
func userCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, in io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errUsage
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	role := fs.String("role", "", "admin or customer (invite leads and corporate clients from the admin)")
	email := fs.String("email", "", "the user's email address")
	name := fs.String("name", "", "the user's name (default: the part of the address before @)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *role == "" || *email == "" {
		return errUsage
	}
	if *name == "" {
		*name, _, _ = strings.Cut(*email, "@")
	}
	password, generated, err := readPassword(in, *email, *name)
	if err != nil {
		return err
	}
	conn, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close()
	svc := account.New(conn, nil, account.Options{BaseURL: cfg.BaseURL})
	u, err := svc.CreateUser(ctx, *email, *name, account.Role(*role), password)
	if err != nil {
		return explain(err)
	}
	log.Info("user created", "id", u.ID, "role", u.Role)
	fmt.Fprintf(stdout, "created user %d: %s <%s>, role %s\n", u.ID, u.Name, u.Email, u.Role)
	if generated {
		fmt.Fprintf(stdout, "password (shown only now; store it in a password manager): %s\n", password)
	}
	return nil
}

// readPassword reads the first line of in, or generates a password when in is a terminal.
func readPassword(in io.Reader, email, name string) (pw string, generated bool, err error) {
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			pw, err := generatePassword(email, name)
			return pw, true, err
		}
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password from standard input: %w", err)
	}
	pw = strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", false, errors.New("user create: standard input is empty: pipe the password in (printf '%s\\n' \"$PW\" | libres user create ...), or run at a terminal to have one generated")
	}
	return pw, false, nil
}

// generatePassword returns six groups of four random characters (about 120 bits).
func generatePassword(email, name string) (string, error) {
	for range 5 {
		t := rand.Text()
		groups := make([]string, 0, 6)
		for i := 0; i+4 <= 24; i += 4 {
			groups = append(groups, strings.ToLower(t[i:i+4]))
		}
		pw := strings.Join(groups, "-")
		if account.CheckPassword(pw, email, name) == nil {
			return pw, nil
		}
	}
	return "", errors.New("user create: could not generate a strong password")
}

// explain turns a refused creation into a sentence in English from the message catalog,
// naming the fields at fault.
func explain(err error) error {
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal {
		return err
	}
	cat, cerr := i18n.Load(web.FS)
	msg := func(key string, args ...any) string {
		if cerr != nil {
			return key
		}
		return cat.T("en", key, args...)
	}
	var parts []string
	fields := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		parts = append(parts, f+": "+msg(e.Fields[f]))
	}
	if len(parts) == 0 {
		parts = append(parts, msg(apperr.KeyOf(err), e.Args...))
	}
	return fmt.Errorf("user create: %s", strings.Join(parts, "; "))
}
