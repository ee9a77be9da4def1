# A first image for compose: Debian with FFmpeg and fonts, Deno pinned from the npm registry,
# dependencies cached against deno.lock, running as a non-root user. (Hardened in the
# deployment issue.)
FROM debian:bookworm-slim
ARG DENO_VERSION=2.9.6
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-dejavu-core fonts-noto-cjk ca-certificates nodejs npm \
 && npm install --global --no-audit --no-fund "deno@${DENO_VERSION}" \
 && apt-get purge -y npm && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* /root/.npm \
 && useradd --system --create-home --home-dir /var/lib/lingoreel lingoreel
WORKDIR /app
COPY deno.json deno.lock package.json ./
RUN deno install --frozen
COPY daemon ./daemon
COPY shared ./shared
COPY migrations ./migrations
COPY tui ./tui
RUN deno cache daemon/main.ts tui/main.tsx && chown -R lingoreel /app/node_modules
USER lingoreel
ENV LINGOREEL_DATA_DIR=/var/lib/lingoreel LINGOREEL_HOST=0.0.0.0 LINGOREEL_MEDIA_ROOTS=/media \
    LINGOREEL_OUTPUT_DIR=/output
EXPOSE 7470
CMD ["deno", "task", "daemon"]
