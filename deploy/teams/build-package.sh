#!/usr/bin/env bash
# Builds the Teams app package: manifest.json (app id and domain substituted) + color.png + outline.png, zipped.
# Usage: deploy/teams/build-package.sh <bot-app-id> <public-domain> [output.zip]
#   bot-app-id     the Microsoft App ID of the Azure Bot (also used as the Teams app id)
#   public-domain  host name of the messaging endpoint, without scheme (e.g. triagebot.example.com)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
app_id="${1:-${TRIAGEBOT_TEAMS_APP_ID:-}}"
domain="${2:-${TRIAGEBOT_TEAMS_DOMAIN:-}}"
out="${3:-$PWD/triagebot-teams.zip}"

if [[ -z "$app_id" || -z "$domain" ]]; then
  echo "usage: $0 <bot-app-id> <public-domain> [output.zip]" >&2
  exit 2
fi
if ! [[ "$app_id" =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]]; then
  echo "error: bot-app-id must be a GUID (the Azure Bot's Microsoft App ID), got '$app_id'" >&2
  exit 2
fi
domain="${domain#https://}"; domain="${domain#http://}"; domain="${domain%%/*}"
if ! [[ "$domain" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?$ ]]; then
  echo "error: public-domain must be a host name such as triagebot.example.com, got '$domain'" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s/{{APP_ID}}/$app_id/g" -e "s/{{DOMAIN}}/$domain/g" "$here/manifest.json" > "$work/manifest.json"
cp "$here/color.png" "$here/outline.png" "$work/"

# Fail early on a broken manifest rather than in the Teams upload dialog.
python3 - "$work/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert "{{" not in json.dumps(m), "unsubstituted placeholder left in manifest.json"
assert m["bots"][0]["botId"] == m["id"]
cmd = m["composeExtensions"][0]["commands"][0]
assert cmd["type"] == "action" and cmd["context"] == ["message"] and cmd["fetchTask"] is True
PY

rm -f "$out"
python3 - "$out" "$work" <<'PY'
import sys, zipfile, os
out, work = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("manifest.json", "color.png", "outline.png"):
        z.write(os.path.join(work, name), name)  # files at the root of the zip, as Teams requires
PY
echo "built $out"
