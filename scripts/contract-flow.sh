#!/usr/bin/env bash
# The contract's "Complete User Flow" (freemarket-api.md, last section), unchanged except for the
# host: run it against `make run` with  bash scripts/contract-flow.sh [http://127.0.0.1:8000]
# The refresh cookie is Secure, so curl keeps it only for https or localhost hosts.
set -euo pipefail
BASE=${1:-http://127.0.0.1:${PORT:-8000}}
SUFFIX=$RANDOM

REGISTER_RESPONSE=$(curl -s -X POST $BASE/auth/register \
  -H "Content-Type: application/json" \
  -d '{
    "email": "testuser_auth'$SUFFIX'@example.com",
    "password": "SecurePass123!",
    "username": "testuser_auth'$SUFFIX'",
    "full_name": "Test User Auth",
    "city": "Алматы"
  }' \
  -c /tmp/cookies.txt \
  -b /tmp/cookies.txt)
USER_ID=$(echo $REGISTER_RESPONSE | jq -r '.id')
echo "Registered User ID: $USER_ID"

LOGIN_RESPONSE=$(curl -s -X POST $BASE/auth/login \
  -H "Content-Type: application/json" \
  -d '{
    "username": "testuser_auth'$SUFFIX'",
    "password": "SecurePass123!"
  }' \
  -c /tmp/cookies.txt \
  -b /tmp/cookies.txt)
ACCESS_TOKEN=$(echo $LOGIN_RESPONSE | jq -r '.access_token')
echo "Access Token: $ACCESS_TOKEN"

curl -s -X POST $BASE/api/listings/create-by-categories \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $ACCESS_TOKEN" \
  -d '{
    "wants": {
      "PERMANENT": [
        { "item_name": "Книга по JS", "value_tenge": 10000 }
      ]
    },
    "offers": {
      "TEMPORARY": [
        { "item_name": "Электросамокат", "value_tenge": 5000, "duration_days": 2 }
      ]
    }
  }'
echo

curl -s $BASE/user/cabinet \
  -H "Authorization: Bearer $ACCESS_TOKEN"
echo

curl -s -X POST $BASE/auth/logout \
  -H "Authorization: Bearer $ACCESS_TOKEN" \
  -c /tmp/cookies.txt \
  -b /tmp/cookies.txt
echo

rm /tmp/cookies.txt
