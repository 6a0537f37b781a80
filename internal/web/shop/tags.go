package shop

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/libres/storefront/internal/i18n"
	"github.com/libres/storefront/internal/tags"
)

// TagRoutes registers the hang-tags' short links: /t/{code} opens the product's page in
// Spanish and /en/t/{code} in English, each with ?src=tag, and counts one scan for the
// product (a counter per product per day; nothing about the visitor).
func (s *Handler) TagRoutes(r gin.IRouter, t *tags.Store) {
	for _, lang := range i18n.Languages {
		prefix := ""
		if lang != i18n.Default {
			prefix = "/" + lang
		}
		r.GET(prefix+"/t/:code", s.Handle(lang, func(c *gin.Context, lang string) error {
			slug, err := t.Scan(c.Request.Context(), c.Param("code"), time.Now())
			if err != nil {
				return err
			}
			// Not cached anywhere: every scan must reach the server to be counted.
			c.Header("Cache-Control", "no-store")
			c.Redirect(http.StatusFound, productPath(lang, slug)+"?src=tag")
			return nil
		}))
	}
}
