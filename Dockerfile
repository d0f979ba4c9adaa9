# Build: docker build -t callgate .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/callgate ./cmd/callgate

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends wget ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 callgate
COPY --from=build /out/callgate /usr/local/bin/callgate
USER callgate
EXPOSE 5060/udp 5060/tcp 8080/tcp 10000-20000/udp
ENTRYPOINT ["/usr/local/bin/callgate"]
CMD ["serve"]
