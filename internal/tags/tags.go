// Package tags owns the hang-tags that leave each workshop on its items: the short code
// of a product (the QR code's link, /t/{code}, stable across prints), the count of scans
// per product per day (aggregate only: no visitor data), and the tag sheets themselves
// (QR images and PDFs laid out on label sheets).
package tags

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/libres/storefront/internal/apperr"
	"github.com/libres/storefront/internal/audit"
	"github.com/libres/storefront/internal/catalog"
	"github.com/libres/storefront/internal/db"
)

// Store keeps the products' tag codes and scan counts.
type Store struct {
	conn *sqlx.DB
}

// NewStore returns the tag store on db.
func NewStore(db *sqlx.DB) *Store { return &Store{conn: db} }

// codeAlphabet has no look-alikes (0/o, 1/l/i), so a code read aloud or typed from a
// worn tag still works.
const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

const codeLen = 8

// bogota is the foundation's time zone: a scan counts on Bogotá's date.
var bogota = func() *time.Location {
	if loc, err := time.LoadLocation("America/Bogota"); err == nil {
		return loc
	}
	return time.FixedZone("COT", -5*3600)
}()

func newCode() (string, error) {
	b := make([]byte, codeLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make tag code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b), nil
}

// ValidCode reports whether s can be a tag code (checked before any query).
func ValidCode(s string) bool {
	if len(s) < 6 || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Codes returns the code of each product (products maps a product to its workshop),
// making the missing ones, each in a transaction with its audit entry. A product keeps
// its code for good, so tags printed at different times lead to the same page; two
// prints at once agree (ON CONFLICT keeps the first code, and only the print that made
// it records it), and a retry changes nothing.
func (s *Store) Codes(ctx context.Context, actor audit.Actor, products map[int64]int64) (map[int64]string, error) {
	const insert = `INSERT INTO tag_codes (product_id, code) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	const read = `SELECT product_id, code FROM tag_codes WHERE product_id = ANY($1)`
	ids := make([]int64, 0, len(products))
	for id := range products {
		ids = append(ids, id)
	}
	out := map[int64]string{}
	for attempt := 0; attempt < 4; attempt++ {
		rows, err := s.conn.QueryxContext(ctx, read, pq.Array(ids))
		if err != nil {
			return nil, fmt.Errorf("read tag codes: %w", err)
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read tag codes: %w", err)
			}
			out[id] = code
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read tag codes: %w", err)
		}
		missing := 0
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			missing++
			code, err := newCode()
			if err != nil {
				return nil, err
			}
			// A code already taken (unlikely: 31^8) leaves the row out; the next round
			// tries another.
			err = db.InTx(ctx, s.conn, func(tx *sqlx.Tx) error {
				res, err := tx.ExecContext(ctx, insert, id, code)
				if err != nil {
					return db.Translate(err)
				}
				if n, _ := res.RowsAffected(); n == 0 {
					return nil
				}
				pid := strconv.FormatInt(id, 10)
				return audit.Record(ctx, tx, audit.Entry{Actor: actor, Action: "tag.code", Entity: "product",
					EntityID: pid, WorkshopID: products[id], Summary: "tag code " + code, After: map[string]string{"code": code}})
			})
			if err != nil {
				return nil, fmt.Errorf("make tag code of product %d: %w", id, err)
			}
		}
		if missing == 0 {
			return out, nil
		}
	}
	return nil, fmt.Errorf("make tag codes: no free code after 4 rounds")
}

// Scan resolves a tag's code to its product's slug and counts one scan for that
// product on today's date. A code that does not exist, or a product no longer on sale,
// is not found and counts nothing.
func (s *Store) Scan(ctx context.Context, code string, at time.Time) (slug string, err error) {
	if !ValidCode(code) {
		return "", apperr.ErrNotFound
	}
	const q = `WITH t AS (
		SELECT c.product_id, p.slug FROM tag_codes c JOIN products p ON p.id = c.product_id
		WHERE c.code = $1 AND p.status = $2
	), counted AS (
		INSERT INTO tag_scans (product_id, day, scans) SELECT product_id, $3, 1 FROM t
		ON CONFLICT (product_id, day) DO UPDATE SET scans = tag_scans.scans + 1
	)
	SELECT slug FROM t`
	day := at.In(bogota).Format(time.DateOnly)
	err = s.conn.GetContext(ctx, &slug, q, code, catalog.StatusActive, day)
	if err != nil {
		return "", fmt.Errorf("scan tag %s: %w", code, db.Translate(err))
	}
	return slug, nil
}

// ScansSince returns the scans of each product from the day of since (Bogotá) on;
// products never scanned are absent.
func (s *Store) ScansSince(ctx context.Context, productIDs []int64, since time.Time) (map[int64]int, error) {
	const q = `SELECT product_id, sum(scans)::int FROM tag_scans
		WHERE product_id = ANY($1) AND day >= $2 GROUP BY product_id`
	rows, err := s.conn.QueryxContext(ctx, q, pq.Array(productIDs), since.In(bogota).Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("read tag scans: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("read tag scans: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// MonthStart is the first day of at's month in Bogotá ("scans this month").
func MonthStart(at time.Time) time.Time {
	b := at.In(bogota)
	return time.Date(b.Year(), b.Month(), 1, 0, 0, 0, 0, bogota)
}
