"""A small WebSocket client for the end-to-end tests: events and actions, each bounded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from demo.server import HassServer


class WebSocket:
    """An authenticated connection that collects the events it subscribed to."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws
        self._next_id = 1
        self._results: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self._ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            data = msg.json()
            for item in data if isinstance(data, list) else [data]:
                if item["type"] == "event":
                    await self.events.put(item["event"])
                elif item["type"] == "result" and (fut := self._results.pop(item["id"], None)):
                    fut.set_result(item)

    async def command(self, payload: dict[str, Any], timeout: float = 30) -> Any:
        """Send one command; return its result or raise with the error it answered."""
        msg_id = self._next_id
        self._next_id += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._results[msg_id] = fut
        await self._ws.send_json({"id": msg_id, **payload})
        async with asyncio.timeout(timeout):
            result = await fut
        if not result["success"]:
            raise AssertionError(f"{payload['type']} failed: {result['error']}")
        return result.get("result")

    async def next_event(self, timeout: float) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            return await self.events.get()

    async def close(self) -> None:
        self._reader.cancel()
        await self._ws.close()


@asynccontextmanager
async def connect(server: HassServer, timeout: float = 30) -> AsyncIterator[WebSocket]:
    """Log in to the WebSocket API with the server's access token."""
    async with aiohttp.ClientSession() as session:
        async with asyncio.timeout(timeout):
            ws = await session.ws_connect(f"{server.url}/api/websocket")
            assert (await ws.receive_json())["type"] == "auth_required"
            await ws.send_json({"type": "auth", "access_token": server.token})
            assert (await ws.receive_json())["type"] == "auth_ok"
        client = WebSocket(ws)
        try:
            yield client
        finally:
            await client.close()
