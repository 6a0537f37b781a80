package donation

import (
	"context"
	"fmt"
	"time"

	"github.com/libres/storefront/internal/db"
)

// PublicSetting is the site setting ("1": on) with which staff publish donations on
// the donation page (/admin/impact, beside the workshops' impact figures). Off by
// default.
const PublicSetting = "impact.donations"

// MaxPublicNames bounds the thank-you list.
const MaxPublicNames = 30

// Public is what the donation page may show about this year's gifts: how many were
// received and their total (refunded ones excluded), and the names of the donors who
// did not ask to give anonymously, newest first. Never amounts per person, emails or
// document numbers.
type Public struct {
	Year       int
	Count      int
	TotalMinor int64
	Currency   string
	Names      []string
}

// Public returns this year's (Bogotá's calendar) received gifts in the service's
// currency.
func (s *Service) Public(ctx context.Context) (Public, error) {
	now := s.now().In(colombia)
	from := time.Date(now.Year(), time.January, 1, 0, 0, 0, 0, colombia)
	to := from.AddDate(1, 0, 0)
	p := Public{Year: now.Year(), Currency: s.opts.Currency, Names: []string{}}
	const sum = `SELECT count(*), coalesce(sum(amount_minor), 0) FROM donations
		WHERE status = $1 AND currency = $2 AND received_at >= $3 AND received_at < $4`
	if err := s.db.QueryRowxContext(ctx, sum, StatusReceived, s.opts.Currency, from, to).Scan(&p.Count, &p.TotalMinor); err != nil {
		return Public{}, fmt.Errorf("donations this year: %w", db.Translate(err))
	}
	// A donor who gave twice is thanked once, at their newest gift.
	const names = `SELECT name FROM donations
		WHERE status = $1 AND currency = $2 AND received_at >= $3 AND received_at < $4 AND NOT anonymous
		GROUP BY name ORDER BY max(received_at) DESC, name LIMIT $5`
	if err := s.db.SelectContext(ctx, &p.Names, names, StatusReceived, s.opts.Currency, from, to, MaxPublicNames); err != nil {
		return Public{}, fmt.Errorf("donors this year: %w", db.Translate(err))
	}
	return p, nil
}
