package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/libres/storefront/internal/db"
)

// TagScan is how many times the hang-tags of one of the workshop's products were
// scanned in a statement's period (tags counts scans per product per Bogotá day, never
// per visitor).
type TagScan struct {
	ProductID int64  `db:"product_id"`
	TitleES   string `db:"title_es"`
	TitleEN   string `db:"title_en"`
	Scans     int    `db:"scans"`
}

// Title is the product's title in lang.
func (s TagScan) Title(lang string) string {
	if lang == "en" && s.TitleEN != "" {
		return s.TitleEN
	}
	return s.TitleES
}

// tagScans reads the scans of the workshop's products on the Bogotá days of [from, to),
// by product title. A product counts for the workshop that makes it now.
func tagScans(ctx context.Context, q sqlx.QueryerContext, workshopID int64, from, to time.Time) ([]TagScan, error) {
	const sel = `SELECT s.product_id, p.title_es, p.title_en, sum(s.scans)::int AS scans
		FROM tag_scans s JOIN products p ON p.id = s.product_id
		WHERE p.workshop_id = $1 AND s.day >= $2::date AND s.day < $3::date AND s.scans > 0
		GROUP BY s.product_id, p.title_es, p.title_en
		ORDER BY p.title_es, s.product_id`
	var out []TagScan
	err := sqlx.SelectContext(ctx, q, &out, sel, workshopID,
		from.In(Bogota).Format(time.DateOnly), to.In(Bogota).Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("tag scans: %w", db.Translate(err))
	}
	return out, nil
}
