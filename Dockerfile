# Multi-stage build of the xinyidai API.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p xyd-cli && cp target/release/xinyidai /xinyidai

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl fonts-arphic-gbsn00lp && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/xinyidai --create-home xinyidai
COPY --from=build /xinyidai /usr/local/bin/xinyidai
USER xinyidai
WORKDIR /var/lib/xinyidai
ENV XYD_ENV=production XYD_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fs http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["xinyidai"]
CMD ["serve"]
