# syntax=docker/dockerfile:1
#
# The lingoreel daemon (and its TUI) in four stages:
#   deno     Deno, pinned, from the npm registry (the package scripts/_setup.sh installs)
#   build    the npm dependencies installed against deno.lock (cached until deno.json, deno.lock or
#            package.json change), then the source
#   ffmpeg   Debian 12's FFmpeg source built by deploy/build-ffmpeg with only the libraries
#            lingoreel uses (x264, libass, LAME, dav1d, FreeType, fontconfig, FriBidi)
#   runtime  Debian 12 slim with those libraries' runtime packages and fonts, FFmpeg, the Deno
#            binary and /app; runs as the unprivileged user lingoreel (uid LINGOREEL_UID, 10001
#            unless compose passes another)
#
# Size of the runtime image, estimated by `deno task image-size --ffmpeg-prefix DIR` (no container
# engine runs on the machine this was written on; the Debian packages are measured from the files of
# the same package versions, apt's own resolution against a bookworm-slim package set):
#    74.8 MB  debian:bookworm-slim (uncompressed, as docker images lists it)
#    61.2 MB  Debian packages (19 added to the slim set; Noto Sans CJK alone is 39.5 MB)
#    22.5 MB  FFmpeg (deploy/build-ffmpeg)
#    95.6 MB  Deno 2.9.6 binary
#   127.7 MB  node_modules (deno install --frozen)
#     1.3 MB  source (daemon, shared, tui, migrations, deploy/lingoreel)
#   383.1 MB  total (estimated)
# Debian's ffmpeg package instead (the first version of this file) made it ~635 MB: it links every
# library Debian builds FFmpeg with (flite, pocketsphinx with LAPACK, Mesa, ICU, …).

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

# --- FFmpeg -------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS ffmpeg
# The source comes from Debian's archive through apt (checked against the signed Release files), so
# the image gets Debian's security fixes for FFmpeg 5.1 like the ffmpeg package does.
RUN sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      > /etc/apt/sources.list.d/debian-src.sources \
 && apt-get update \
 && apt-get install -y --no-install-recommends build-essential nasm pkg-config dpkg-dev xz-utils \
      libx264-dev libass-dev libmp3lame-dev libdav1d-dev libfreetype-dev libfontconfig-dev \
      libfribidi-dev zlib1g-dev
COPY --chmod=0755 deploy/build-ffmpeg /usr/local/bin/build-ffmpeg
RUN build-ffmpeg /opt/ffmpeg

# --- runtime ------------------------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS runtime
ARG LINGOREEL_UID=10001
# Noto Serif CJK (51 MiB) is not unpacked (dpkg path-exclude): subtitles are set in DejaVu Sans,
# CJK glyphs fall back to Noto Sans CJK. The libraries are the runtime halves of the -dev packages
# the ffmpeg stage builds against (`deno task image-size` checks that they cover what ffmpeg loads).
RUN printf '%s\n' \
      'path-exclude=/usr/share/fonts/opentype/noto/NotoSerifCJK*' \
      > /etc/dpkg/dpkg.cfg.d/lingoreel-excludes \
 && apt-get update \
 && apt-get install -y --no-install-recommends libx264-164 libass9 libmp3lame0 libdav1d6 libfreetype6 \
      libfontconfig1 libfribidi0 fonts-dejavu-core fonts-noto-cjk ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid "${LINGOREEL_UID}" lingoreel \
 && useradd --system --uid "${LINGOREEL_UID}" --gid lingoreel --home-dir /var/lib/lingoreel \
      --no-create-home --shell /usr/sbin/nologin lingoreel \
 && install -d -o lingoreel -g lingoreel -m 0700 /var/lib/lingoreel \
 && install -d -o lingoreel -g lingoreel -m 0755 /output \
 && install -d -m 0755 /media
COPY --from=deno /usr/local/bin/deno /usr/local/bin/deno
# on PATH, where the daemon looks for ffmpeg and ffprobe when FFMPEG_PATH/FFPROBE_PATH are unset
COPY --from=ffmpeg /opt/ffmpeg /opt/ffmpeg
RUN ln -s /opt/ffmpeg/bin/ffmpeg /opt/ffmpeg/bin/ffprobe /usr/local/bin/ \
 && ffmpeg -hide_banner -filters | grep -q ' ass ' && ffprobe -hide_banner -version >/dev/null
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
