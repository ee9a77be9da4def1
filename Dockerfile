# syntax=docker/dockerfile:1
#
# The lingoreel daemon (and its TUI) in three stages:
#   deno     Deno, pinned, from the npm registry (the package scripts/_setup.sh installs)
#   build    the npm dependencies installed against deno.lock (cached until deno.json, deno.lock or
#            package.json change), then the source
#   runtime  Debian 12 slim with Debian's FFmpeg and fonts, the Deno binary and /app; runs as the
#            unprivileged user lingoreel (uid LINGOREEL_UID, 10001 unless compose passes another)
#
# Size of the runtime image (estimated: no container engine on the machine this was written on).
# The Debian packages were measured from the files of the same Debian 12 package versions installed
# there: the 203 packages apt adds to a bookworm-slim package set for ffmpeg, fonts-dejavu-core,
# fonts-noto-cjk and ca-certificates (--no-install-recommends), without the docs, man pages and
# locales slim leaves out, hard links counted once:
#   debian:bookworm-slim                                                        ~ 75 MB
#   Debian packages: 549 MB (523 MiB), minus the path-excludes below (-220 MB)  ~329 MB
#   Deno 2.9.6 binary                                                           ~ 96 MB
#   node_modules (deno install --frozen; 144 npm packages, 10,654 files, as tar) ~132 MB
#   /app source, fontconfig cache, users                                        ~  2 MB
#   total                                                                       ~635 MB
# That is over the 500 MB aimed for: Debian's ffmpeg links every codec, filter and device library
# Debian builds (libavfilter alone pulls flite, pocketsphinx with LAPACK, Intel's media SDK,
# libplacebo; libavformat pulls ICU through libxml2), and node_modules holds every package of
# deno.lock (TypeScript's native compiler as a peer of @trpc/server, PGlite, @google/genai…).
# Getting under 500 MB needs a smaller FFmpeg build or a runtime-only dependency set; see the
# README, "Deployment".

ARG DEBIAN_IMAGE=debian:bookworm-slim

# --- Deno ---------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS deno
ARG DENO_VERSION=2.9.6
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
# npm verifies the package against the registry's integrity hash and picks the platform's binary
# (@deno/linux-x64-glibc or @deno/linux-arm64-glibc); only that binary leaves this stage.
RUN npm install --prefix /opt/deno --no-save --no-audit --no-fund "deno@${DENO_VERSION}" \
 && install -m 0755 "$(find /opt/deno/node_modules/@deno -mindepth 2 -maxdepth 2 -type f -name deno)" \
      /usr/local/bin/deno \
 && deno --version | grep -q "^deno ${DENO_VERSION} "

# --- dependencies and source --------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS build
COPY --from=deno /usr/local/bin/deno /usr/local/bin/deno
ENV DENO_DIR=/opt/deno-dir DENO_NO_UPDATE_CHECK=1
WORKDIR /app
COPY deno.json deno.lock package.json ./
# --frozen: fails instead of resolving anything that deno.lock does not pin
RUN deno install --frozen
COPY daemon ./daemon
COPY shared ./shared
COPY migrations ./migrations
COPY tui ./tui
# every import of the daemon, the migration command and the TUI resolves from node_modules alone
RUN deno cache --frozen daemon/main.ts daemon/migrate.ts tui/main.tsx

# --- runtime ------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS runtime
ARG LINGOREEL_UID=10001
# Files nothing in this image opens are not unpacked (dpkg path-exclude):
# - Noto Serif CJK (51 MiB): subtitles are set in DejaVu Sans, CJK glyphs fall back to Noto Sans CJK;
# - Mesa's OpenGL drivers with LLVM and Z3 (159 MiB): Debian's ffmpeg depends on libGL (for ffplay
#   and an OpenGL output device), but ffmpeg and ffprobe do not link these files (ldd on Debian 12)
#   and nothing here creates an OpenGL context. VA-API drivers (*_drv_video.so) are not excluded.
RUN printf '%s\n' \
      'path-exclude=/usr/share/fonts/opentype/noto/NotoSerifCJK*' \
      'path-exclude=/usr/lib/*/dri/*_dri.so' \
      'path-exclude=/usr/lib/*/libLLVM*' \
      'path-exclude=/usr/lib/*/libz3.so*' \
      > /etc/dpkg/dpkg.cfg.d/lingoreel-excludes \
 && apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core fonts-noto-cjk ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid "${LINGOREEL_UID}" lingoreel \
 && useradd --system --uid "${LINGOREEL_UID}" --gid lingoreel --home-dir /var/lib/lingoreel \
      --no-create-home --shell /usr/sbin/nologin lingoreel \
 && install -d -o lingoreel -g lingoreel -m 0700 /var/lib/lingoreel \
 && install -d -o lingoreel -g lingoreel -m 0755 /output \
 && install -d -m 0755 /media
COPY --from=deno /usr/local/bin/deno /usr/local/bin/deno
# /app stays owned by root: the daemon reads its code and node_modules, it never writes them
COPY --from=build /app /app
COPY --chmod=0755 deploy/lingoreel /usr/local/bin/lingoreel
WORKDIR /app
# DENO_DIR only holds Deno's compile caches (rebuilt after a restart when /tmp is a tmpfs);
# LINGOREEL_HOST: inside a container the daemon must listen on every interface for the port to be
# published (compose publishes it on the host's 127.0.0.1 only).
ENV DENO_DIR=/tmp/deno DENO_NO_UPDATE_CHECK=1 \
    LINGOREEL_DATA_DIR=/var/lib/lingoreel LINGOREEL_HOST=0.0.0.0 LINGOREEL_PORT=7470 \
    LINGOREEL_MEDIA_ROOTS=/media LINGOREEL_OUTPUT_DIR=/output
USER lingoreel
EXPOSE 7470
# /healthz answers 200 unless the daemon is down (503); bash's /dev/tcp spares a curl in the image
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${LINGOREEL_PORT:-7470} && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]
# The daemon task's command (deno.json) plus --frozen --cached-only: nothing is fetched or written
# next to the code at start. Deno is PID 1 and handles SIGTERM itself (the ordered shutdown).
CMD ["deno", "run", "--allow-all", "--v8-flags=--liftoff-only", "--frozen", "--cached-only", "daemon/main.ts"]
