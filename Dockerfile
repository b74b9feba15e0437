# Builds the renda server. Used by docker-compose.yml.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p renda \
 && cp target/release/renda /usr/local/bin/renda

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/renda renda \
 && install -d -o renda -m 0700 /var/lib/renda/data
COPY --from=build /usr/local/bin/renda /usr/local/bin/renda
USER renda
WORKDIR /var/lib/renda
ENV RENDA_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/renda"]
CMD ["serve"]
