#!/usr/bin/env bash
# Regenerates the committed OpenAPI document and the API client the end-to-end tests use:
#   1. starts the host on 127.0.0.1 (SQLite in a temporary folder, no model) and saves what it serves at /openapi/v1.json
#      to tests/TriageBot.Api.Tests/openapi/v1.json;
#   2. generates the C# client from that file with Kiota (a local dotnet tool, .config/dotnet-tools.json) into
#      tests/TriageBot.Api.Tests/Generated.
# Run it after changing the API; OpenApiDocumentTests fails until the committed files match what the app serves.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

dotnet tool restore >/dev/null
dotnet build src/TriageBot.Host -c Debug -v q -nologo >/dev/null

data="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
TriageBot__DataDirectory="$data" TriageBot__Understanding__Embeddings=false TriageBot__Playground__Enabled=false \
  TriageBot__Workers__Enabled=false \
  dotnet src/TriageBot.Host/bin/Debug/net10.0/TriageBot.Host.dll --urls "http://127.0.0.1:$port" >"$data/host.log" 2>&1 &
host=$!
trap 'kill $host 2>/dev/null || true; wait $host 2>/dev/null || true; rm -rf "$data"' EXIT

rm -f "$here/openapi/v1.json"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/openapi/v1.json" -o "$here/openapi/v1.json" 2>/dev/null; then break; fi
  sleep 0.5
done
[ -s "$here/openapi/v1.json" ] || { echo "the host did not serve /openapi/v1.json:"; cat "$data/host.log"; exit 1; }
echo "saved tests/TriageBot.Api.Tests/openapi/v1.json"

rm -rf "$here/Generated"
KIOTA_TUTORIAL_ENABLED=false KIOTA_OFFLINE_ENABLED=true KIOTA_UPDATE_DISABLED=true dotnet tool run kiota generate \
  --openapi "$here/openapi/v1.json" --language CSharp \
  --class-name TriageBotClient --namespace-name TriageBot.Api.Tests.Generated \
  --output "$here/Generated" --exclude-backward-compatible --clean-output --log-level Warning
rm -f "$here/Generated/.kiota.log"
echo "generated tests/TriageBot.Api.Tests/Generated"
