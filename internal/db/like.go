package db

import "strings"

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// LikeEscape escapes LIKE's wildcards and its escape character in s, so what a person
// typed in a search box is matched as text: `ILIKE '%' || $1 || '%'` with
// LikeEscape(q) finds "50%" and "a_b" literally.
func LikeEscape(s string) string { return likeEscaper.Replace(s) }
