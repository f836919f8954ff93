#!/bin/sh
# A smoke test of docker/compose.yaml on this Docker host (not part of `make test`: it needs a Docker daemon):
# the images start, migrate, answer /readyz with every part ok, load the demo community (development mode,
# one-off), and the worker indexes it so that suggest finds a demo topic. Then everything is removed again,
# volumes included. Run after `make docker`:  sh docker/smoke.sh
set -eu
cd "$(dirname "$0")/.."
project=otkliksmoke$$
env_file=$(mktemp)
trap 'docker-compose -f docker/compose.yaml -p "$project" --env-file "$env_file" down -v >/dev/null 2>&1; rm -f "$env_file"' EXIT
port=${WEB_PORT:-18000}
cat > "$env_file" <<ENV
SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_hex(32))")
POSTGRES_PASSWORD=$(python3 -c "import secrets; print(secrets.token_hex(16))")
WEB_PORT=$port
SESSION_COOKIE_SECURE=0
ENV
compose() { docker-compose -f docker/compose.yaml -p "$project" --env-file "$env_file" "$@"; }

compose up -d
url="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -fs "$url/healthz" >/dev/null 2>&1 && break
  sleep 1
done
ready=$(curl -s "$url/readyz" || true)
echo "$ready"
case "$ready" in
  *'"failed":[]'*) echo "readyz: every part ok" ;;
  *) echo "readyz names a failing part" >&2; exit 1 ;;
esac
compose run --rm -e OTKLIK_ENV=development migrate demo >/dev/null
# The demo's "Как поменять ПИН-код карты без похода в отделение?", once the worker has indexed it.
found_topic() {
  python3 - "$url" <<'PY'
import json, sys, urllib.parse, urllib.request
query = urllib.parse.quote("ПИН-код карты")
items = json.load(urllib.request.urlopen(f"{sys.argv[1]}/api/v1/suggest?title={query}", timeout=5))
sys.exit(0 if any(i["kind"] == "topic" and "ПИН-код карты" in i["title"] for i in items) else 1)
PY
}
for _ in $(seq 1 30); do
  found_topic && break
  sleep 1
done
found_topic || { echo "suggest did not find the demo topic" >&2; exit 1; }
echo "suggest finds the demo topic indexed by the worker"
curl -fs -o /dev/null "$url/" && echo "home page: 200"
compose exec -T worker flask stats
# The first administrator, made in the web container, signs in over HTTP and opens /admin/system.
password=$(python3 -c "import secrets; print(secrets.token_urlsafe(18))")
printf '%s\n' "$password" | compose exec -T web flask users create-admin smoke@example.com --name Smoke --password-stdin
python3 - "$url" "$password" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request
url, password = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
page = opener.open(f"{url}/login", timeout=10).read().decode()
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode({"csrf_token": token, "email": "smoke@example.com", "password": password}).encode()
opener.open(f"{url}/login", data=form, timeout=10).read()
system = opener.open(f"{url}/admin/system", timeout=10)
assert system.status == 200 and system.geturl().endswith("/admin/system"), system.geturl()
print("the administrator signed in and opened /admin/system")
PY
echo "smoke test passed"
