"""The baseline for `webhook_ack.py`: a bare FastAPI `POST /line/webhook` served like `tambon serve`.

It reads the body and answers 200 `{"stored": 1}`: no signature check, no database. Whatever our
webhook costs beyond this is the price of verifying and storing events.

    python benchmarks/bare_app.py --port 8001
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


@app.post("/line/webhook")
async def receive_webhook(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"stored": 1})


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The same uvicorn settings as `bot.cli.serve`, so the comparison is of the endpoints alone.
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)


if __name__ == "__main__":
    main()
