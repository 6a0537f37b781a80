# Dockerfile — the Libres storefront as one static binary on a distroless base.
#
#   make image                      (docker build -t ghcr.io/fundacion-libres/libres:local .)
#   docker run --rm -p 8080:8080 -e DATABASE_URL=postgres://… IMAGE          serve
#   docker run --rm -e DATABASE_URL=postgres://… IMAGE migrate up            one-shot
#
# Templates, static files, locales and migrations are embedded in the binary (web.FS,
# migrations.FS): nothing else is copied. The process runs as 65532 (distroless
# "nonroot") and writes nothing outside /tmp when photos go to S3, so the root
# filesystem may be mounted read-only (deploy/k8s does; give it a writable /tmp for
# uploads in flight). LIBRES_WEB=false makes the same image a worker process.
#
# Lint: hadolint is not installable on the development machines (no Debian package,
# no network for its release binary); where Docker runs:
#   docker run --rm -i hadolint/hadolint < Dockerfile
# deploy/container's tests check the rules below offline (multi-stage, pinned bases,
# reproducible build flags, numeric non-root user, HEALTHCHECK through the binary).
#
# Base images are pinned by tag and digest; the digests were taken from public
# Dockerfiles that pin the same tags, not checked against the registries from here:
# if a pull says "manifest unknown", take the tag's current digest
# (docker buildx imagetools inspect TAG) and commit it.

FROM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
# The go.mod toolchain exactly, never one downloaded at build time.
ENV GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
# Modules in a layer of their own: it is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
# Reproducible: no cgo, no file system paths (-trimpath), no build id, no VCS stamp;
# the same sources and toolchain give the same bytes. Static: without the nodynamic
# tag the WebP encoder links purego, which makes even a CGO_ENABLED=0 binary need
# ld-linux (absent from distroless/static: "exec /libres: no such file or directory");
# with it the encoder is always its WebAssembly build, as it was anyway with no libwebp.
RUN CGO_ENABLED=0 GOOS=linux go build -tags nodynamic -trimpath -ldflags "-s -w -buildid=" -o /out/libres ./cmd/libres

FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639
LABEL org.opencontainers.image.title="libres" \
      org.opencontainers.image.description="Libres storefront: the online shop of the foundation's prison workshops"
COPY --from=build /out/libres /libres
USER 65532:65532
WORKDIR /home/nonroot
ENV PORT=8080 LIBRES_LOG_FORMAT=json
EXPOSE 8080
# distroless has no shell or curl: the binary asks its own /healthz (2 s limit). It
# reads the same configuration as serve (DATABASE_URL must be set, as for serve) but
# opens no database: a slow database makes /readyz fail, not the container unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["/libres", "healthcheck"]
ENTRYPOINT ["/libres"]
CMD ["serve"]
