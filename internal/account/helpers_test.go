package account

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/db/dbtest"
	"github.com/libres/storefront/internal/notify"
)

// strongPassword passes CheckPassword for every test user.
const strongPassword = "tortuga verde sube la escalera"

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outbox is an Enqueuer that writes messages to a table through the caller's
// transaction, so a test can see that a message exists exactly when its change does.
// fail makes Enqueue fail after writing, to prove the whole transaction rolls back.
type outbox struct{ fail bool }

var errEnqueue = errors.New("enqueue failed on purpose")

func (o *outbox) Enqueue(ctx context.Context, tx *sqlx.Tx, m notify.Message) error {
	data, err := json.Marshal(m.Data)
	if err != nil {
		return err
	}
	const ins = `INSERT INTO test_outbox (to_addr, lang, template, data) VALUES ($1, $2, $3, $4)`
	if _, err := tx.ExecContext(ctx, ins, m.To, m.Lang, m.Template, string(data)); err != nil {
		return err
	}
	if o.fail {
		return errEnqueue
	}
	return nil
}

type fixture struct {
	svc   *Service
	db    *sqlx.DB
	clock *clock
	mail  *outbox
}

const baseURL = "https://tienda.example.co"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	conn := dbtest.New(t)
	const tbl = `CREATE TABLE test_outbox (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		to_addr text NOT NULL, lang text NOT NULL, template text NOT NULL, data jsonb NOT NULL)`
	if _, err := conn.Exec(tbl); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	mail := &outbox{}
	svc := New(conn, mail, Options{BaseURL: baseURL + "/", Now: c.Now})
	return &fixture{svc: svc, db: conn, clock: c, mail: mail}
}

type sentMail struct {
	To, Lang, Template string
	Name, Link         string
}

// mails returns the messages queued for an address, oldest first.
func (f *fixture) mails(t *testing.T, to string) []sentMail {
	t.Helper()
	var rows []struct {
		To       string `db:"to_addr"`
		Lang     string `db:"lang"`
		Template string `db:"template"`
		Data     string `db:"data"`
	}
	if err := f.db.Select(&rows, `SELECT to_addr, lang, template, data::text AS data FROM test_outbox WHERE to_addr = $1 ORDER BY id`, to); err != nil {
		t.Fatal(err)
	}
	var out []sentMail
	for _, r := range rows {
		var d struct{ Name, Link string }
		if err := json.Unmarshal([]byte(r.Data), &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, sentMail{To: r.To, Lang: r.Lang, Template: r.Template, Name: d.Name, Link: d.Link})
	}
	return out
}

// lastToken returns the token of the newest link mailed to an address, checking the
// link's page.
func (f *fixture) lastToken(t *testing.T, to string, p Purpose, lang string) string {
	t.Helper()
	ms := f.mails(t, to)
	if len(ms) == 0 {
		t.Fatalf("no mail to %s", to)
	}
	u, err := url.Parse(ms[len(ms)-1].Link)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.Scheme+"://"+u.Host+u.Path, baseURL+p.Path(lang); got != want {
		t.Fatalf("link %s: page %s, want %s", ms[len(ms)-1].Link, got, want)
	}
	return u.Query().Get("token")
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// register signs a customer up and returns the user.
func (f *fixture) register(t *testing.T, email string) User {
	t.Helper()
	u, err := f.svc.Register(context.Background(), RegisterInput{Email: email, Name: "Ana Pérez",
		Password: strongPassword, Lang: "es", AcceptPolicy: true, PolicyVersion: "2026-01", IP: "192.0.2.1"})
	if err != nil {
		t.Fatalf("register %s: %v", email, err)
	}
	return u
}

// workshop inserts a minimal workshop and returns its id.
func (f *fixture) workshop(t *testing.T, slug string) int64 {
	t.Helper()
	var id int64
	const ins = `INSERT INTO workshops (slug, name, facility, facility_kind, city, department, craft_es, craft_en)
		VALUES ($1, $1, 'Establecimiento', 'prison', 'Bogotá', 'Bogotá D.C.', 'Calzado', 'Shoemaking') RETURNING id`
	if err := f.db.Get(&id, ins, slug); err != nil {
		t.Fatal(err)
	}
	return id
}

// wantErr fails unless err has the code and, when key is not "", that message key
// (either the error's key or a field's).
func wantErr(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	if apperr.CodeOf(err) != code {
		t.Fatalf("error %v: code %s, want %s", err, apperr.CodeOf(err), code)
	}
	if key == "" || apperr.KeyOf(err) == key {
		return
	}
	for _, k := range apperr.FieldsOf(err) {
		if k == key {
			return
		}
	}
	t.Fatalf("error %v: no key %s", err, key)
}
