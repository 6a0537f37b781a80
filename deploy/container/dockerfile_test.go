// Package container checks the container image's Dockerfile and the local compose
// stack (deploy/compose.yaml) offline, against the rules operators rely on and
// against the app's own configuration (config.Vars, config.Load). It has tests only.
package container

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/libres/storefront/internal/config"
)

// root is the repository's root, from this package's directory.
const root = "../.."

// instruction is one Dockerfile instruction: its keyword (upper case), flags
// (--from=build) and arguments; json is true for the exec form (["/libres", "serve"]).
type instruction struct {
	cmd   string
	flags []string
	args  []string
	json  bool
	line  int
}

// stage is a FROM and the instructions up to the next one.
type stage struct {
	base, name string
	instrs     []instruction
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.instrs {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// last returns the stage's last cmd instruction (the one in force), or fails.
func (s stage) last(t *testing.T, cmd string) instruction {
	t.Helper()
	all := s.all(cmd)
	if len(all) == 0 {
		t.Fatalf("stage %q has no %s", s.name, cmd)
	}
	return all[len(all)-1]
}

func (in instruction) flag(name string) (string, bool) {
	for _, f := range in.flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v, true
		}
	}
	return "", false
}

// envPairs returns the KEY=VALUE pairs of an ENV instruction.
func (in instruction) envPairs() map[string]string {
	m := map[string]string{}
	// The parser gives name, value, "=" for each pair.
	for i := 0; i+1 < len(in.args); i += 3 {
		m[in.args[i]] = in.args[i+1]
	}
	return m
}

func parseDockerfile(t *testing.T) []stage {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("parse Dockerfile: %v", err)
	}
	for _, w := range res.Warnings {
		t.Errorf("Dockerfile line %d: %s", w.Location.Start.Line, w.Short)
	}
	var stages []stage
	for _, n := range res.AST.Children {
		in := instruction{cmd: strings.ToUpper(n.Value), flags: n.Flags, json: n.Attributes["json"], line: n.StartLine}
		for a := n.Next; a != nil; a = a.Next {
			in.args = append(in.args, a.Value)
		}
		if in.cmd == "FROM" {
			s := stage{base: in.args[0]}
			if len(in.args) == 3 && strings.EqualFold(in.args[1], "AS") {
				s.name = in.args[2]
			}
			stages = append(stages, s)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile line %d: %s before the first FROM", in.line, in.cmd)
			}
			continue
		}
		stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
	}
	return stages
}

// goBuild returns the builder's `go build` command as shell words (without the RUN).
func goBuild(t *testing.T, stages []stage) []string {
	t.Helper()
	for _, s := range stages {
		for _, in := range s.all("RUN") {
			if !in.json && len(in.args) == 1 && strings.Contains(in.args[0], "go build") {
				return shellWords(t, in.args[0])
			}
		}
	}
	t.Fatal("no RUN … go build in the Dockerfile")
	return nil
}

// shellWords splits a simple shell command: words, "double" and 'single' quotes.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case strings.ContainsRune("&|;<>`$\\", r):
			t.Fatalf("the go build RUN should be one plain command, found %q in %q", r, s)
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unbalanced quote in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

var (
	numericUser = regexp.MustCompile(`^([0-9]+)(:[0-9]+)?$`)
	pinnedImage = regexp.MustCompile(`^[a-z0-9./_-]+:([A-Za-z0-9._-]+)@sha256:[0-9a-f]{64}$`)
	remoteURL   = regexp.MustCompile(`^(https?|git|ssh)://|^git@`)
)

func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t)
	final := stages[len(stages)-1]
	names := map[string]bool{}
	for _, s := range stages {
		if s.name != "" {
			names[s.name] = true
		}
	}

	t.Run("builds in one stage and ships another", func(t *testing.T) {
		if len(stages) < 2 {
			t.Fatalf("%d stage(s), want a builder and a final stage", len(stages))
		}
		copies := final.all("COPY")
		if len(copies) == 0 {
			t.Fatal("the final stage copies nothing")
		}
		for _, c := range copies {
			if from, ok := c.flag("from"); !ok || !names[from] {
				t.Errorf("line %d: the final stage copies %v from %q, want only from an earlier stage", c.line, c.args, from)
			}
		}
	})

	t.Run("base images pinned by tag and digest", func(t *testing.T) {
		for _, s := range stages {
			if names[s.base] || s.base == "scratch" {
				continue
			}
			m := pinnedImage.FindStringSubmatch(s.base)
			if m == nil || m[1] == "latest" {
				t.Errorf("FROM %s: want NAME:TAG@sha256:DIGEST with a tag other than latest", s.base)
			}
		}
	})

	t.Run("final stage runs as a numeric non-root user", func(t *testing.T) {
		user := final.last(t, "USER")
		m := numericUser.FindStringSubmatch(user.args[0])
		// A numeric id: Kubernetes' runAsNonRoot can only verify a number.
		if m == nil || strings.Trim(m[1], "0") == "" {
			t.Errorf("USER %s: want a numeric user other than 0 (e.g. 65532)", user.args[0])
		}
		if i := slices.IndexFunc(final.instrs, func(in instruction) bool { return in.cmd == "RUN" }); i >= 0 {
			t.Errorf("line %d: the final stage runs commands; it has no shell (distroless)", final.instrs[i].line)
		}
	})

	t.Run("health check, entrypoint and command use the binary", func(t *testing.T) {
		entry := final.last(t, "ENTRYPOINT")
		if !entry.json || len(entry.args) != 1 {
			t.Fatalf("ENTRYPOINT %v: want the exec form with the binary alone", entry.args)
		}
		bin := entry.args[0]
		shipped := false
		for _, c := range final.all("COPY") {
			shipped = shipped || c.args[len(c.args)-1] == bin
		}
		if !shipped {
			t.Errorf("ENTRYPOINT %s is not a file the final stage copies in", bin)
		}
		hc := final.last(t, "HEALTHCHECK")
		want := []string{"CMD", bin, "healthcheck"}
		if !hc.json || !slices.Equal(hc.args, want) {
			t.Errorf("HEALTHCHECK %v (exec form %v): want %v in the exec form (no shell in the image)", hc.args, hc.json, want)
		}
		if _, ok := hc.flag("timeout"); !ok {
			t.Error("HEALTHCHECK without --timeout")
		}
		if cmd := final.last(t, "CMD"); !cmd.json || !slices.Equal(cmd.args, []string{"serve"}) {
			t.Errorf("CMD %v: want [\"serve\"]", cmd.args)
		}
		// The subcommand exists: main's switch names it.
		src, err := os.ReadFile(filepath.Join(root, "cmd/libres/main.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), `case "healthcheck":`) {
			t.Error(`cmd/libres/main.go has no case "healthcheck": the image's HEALTHCHECK would always fail`)
		}
	})

	t.Run("reproducible static build", func(t *testing.T) {
		words := goBuild(t, stages)
		for _, want := range []string{"CGO_ENABLED=0", "-trimpath"} {
			if !slices.Contains(words, want) {
				t.Errorf("go build %v: want %s", words, want)
			}
		}
		ld := ""
		if i := slices.Index(words, "-ldflags"); i >= 0 && i+1 < len(words) {
			ld = words[i+1]
		}
		if !slices.Contains(strings.Fields(ld), "-buildid=") {
			t.Errorf("go build -ldflags %q: want -buildid= (no build id in the binary)", ld)
		}
		// The builder is the Go that go.mod names (GOTOOLCHAIN=local downloads none).
		mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		goLine := regexp.MustCompile(`(?m)^go ([0-9.]+)$`).FindSubmatch(mod)
		if goLine == nil {
			t.Fatal("go.mod has no go line")
		}
		if !strings.HasPrefix(stages[0].base, "golang:"+string(goLine[1])+"-") {
			t.Errorf("builder FROM %s: want golang:%s-… (go.mod's go line)", stages[0].base, goLine[1])
		}
		// The binary the final stage copies is the one built here.
		out := ""
		if i := slices.Index(words, "-o"); i >= 0 && i+1 < len(words) {
			out = words[i+1]
		}
		copied := false
		for _, c := range final.all("COPY") {
			copied = copied || slices.Contains(c.args[:len(c.args)-1], out)
		}
		if out == "" || !copied {
			t.Errorf("go build -o %q: the final stage does not copy that file", out)
		}
	})

	t.Run("no remote ADD", func(t *testing.T) {
		for _, s := range stages {
			for _, in := range s.all("ADD") {
				for _, a := range in.args {
					if remoteURL.MatchString(a) {
						t.Errorf("line %d: ADD %s fetches at build time; download in a pinned, verified step instead", in.line, a)
					}
				}
			}
		}
	})

	t.Run("port and environment are the app's", func(t *testing.T) {
		known := knownVars()
		env := map[string]string{}
		for _, in := range final.all("ENV") {
			for k, v := range in.envPairs() {
				env[k] = v
				if !known[k] {
					t.Errorf("line %d: ENV %s is not a variable the app reads (config.Vars)", in.line, k)
				}
			}
		}
		cfg, err := config.Load(func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("the image's ENV does not load: %v", err)
		}
		expose := final.last(t, "EXPOSE")
		if want := []string{strconv.Itoa(cfg.Port)}; !slices.Equal(expose.args, want) {
			t.Errorf("EXPOSE %v: the app listens on PORT %d", expose.args, cfg.Port)
		}
	})
}

// TestDockerfileBuildsAStaticBinary runs the Dockerfile's own go build here and checks
// that the result needs no dynamic loader: distroless/static has none, and a binary
// that wants one fails to start with "exec /libres: no such file or directory".
func TestDockerfileBuildsAStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole binary (-short)")
	}
	words := goBuild(t, parseDockerfile(t))
	env := os.Environ()
	i := 0
	for ; i < len(words) && strings.Contains(words[i], "=") && !strings.HasPrefix(words[i], "-"); i++ {
		env = append(env, words[i])
	}
	args := slices.Clone(words[i:])
	if len(args) < 2 || args[0] != "go" || args[1] != "build" {
		t.Fatalf("RUN %v: want [VAR=VALUE…] go build …", words)
	}
	bin := filepath.Join(t.TempDir(), "libres")
	o := slices.Index(args, "-o")
	if o < 0 || o+1 >= len(args) {
		t.Fatalf("go build %v has no -o", args)
	}
	args[o+1] = bin
	cmd := exec.Command("go", args[1:]...)
	cmd.Dir, cmd.Env = root, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args[1:], err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader (PT_INTERP): it cannot start on distroless/static")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary imports shared libraries %v (%v): want none", libs, err)
	}
}

func TestDockerignoreKeepsTheBuildInputs(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, strings.Trim(filepath.Clean(l), "/"))
		}
	}
	// What go build ./cmd/libres reads (web/ and migrations/ are embedded).
	for _, need := range []string{"go.mod", "go.sum", "cmd", "cmd/libres", "internal", "migrations", "web", "web/templates"} {
		for _, p := range patterns {
			if strings.HasPrefix(p, "!") {
				continue
			}
			if ok, _ := filepath.Match(p, need); ok || strings.HasPrefix(need, p+"/") {
				t.Errorf(".dockerignore %q leaves %s out of the build", p, need)
			}
		}
	}
	for _, out := range []string{".git", ".data", "node_modules", "build", "bin"} {
		if !slices.Contains(patterns, out) {
			t.Errorf(".dockerignore does not leave out %s", out)
		}
	}
}

// knownVars is the set of variable names the app reads.
func knownVars() map[string]bool {
	m := map[string]bool{}
	for _, v := range config.Vars {
		m[v.Name] = true
	}
	return m
}
