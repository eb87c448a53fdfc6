from http import HTTPStatus
from typing import Any, Optional, Union, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.agent_list import AgentList
from ...models.error_body import ErrorBody
from ...types import UNSET, Unset
from typing import cast
from typing import Union
from uuid import UUID



def _get_kwargs(
    *,
    state: Union[Unset, str] = UNSET,
    min_ram: Union[Unset, int] = UNSET,
    max_ram: Union[Unset, int] = UNSET,
    min_cpus: Union[Unset, int] = UNSET,
    max_cpus: Union[Unset, int] = UNSET,
    hostname: Union[Unset, str] = UNSET,
    tag: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, UUID] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["state"] = state

    params["min_ram"] = min_ram

    params["max_ram"] = max_ram

    params["min_cpus"] = min_cpus

    params["max_cpus"] = max_cpus

    params["hostname"] = hostname

    params["tag"] = tag

    params["limit"] = limit

    json_cursor: Union[Unset, str] = UNSET
    if not isinstance(cursor, Unset):
        json_cursor = str(cursor)
    params["cursor"] = json_cursor

    params["sort"] = sort


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/agents",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Optional[Union[AgentList, ErrorBody]]:
    if response.status_code == 200:
        response_200 = AgentList.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

    if response.status_code == 405:
        response_405 = ErrorBody.from_dict(response.json())



        return response_405

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

    if response.status_code == 410:
        response_410 = ErrorBody.from_dict(response.json())



        return response_410

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())



        return response_415

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Response[Union[AgentList, ErrorBody]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: Union[AuthenticatedClient, Client],
    state: Union[Unset, str] = UNSET,
    min_ram: Union[Unset, int] = UNSET,
    max_ram: Union[Unset, int] = UNSET,
    min_cpus: Union[Unset, int] = UNSET,
    max_cpus: Union[Unset, int] = UNSET,
    hostname: Union[Unset, str] = UNSET,
    tag: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, UUID] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Response[Union[AgentList, ErrorBody]]:
    """ `GET /api/v1/agents`.

    Args:
        state (Union[Unset, str]):
        min_ram (Union[Unset, int]):
        max_ram (Union[Unset, int]):
        min_cpus (Union[Unset, int]):
        max_cpus (Union[Unset, int]):
        hostname (Union[Unset, str]):
        tag (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, UUID]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[AgentList, ErrorBody]]
     """


    kwargs = _get_kwargs(
        state=state,
min_ram=min_ram,
max_ram=max_ram,
min_cpus=min_cpus,
max_cpus=max_cpus,
hostname=hostname,
tag=tag,
limit=limit,
cursor=cursor,
sort=sort,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: Union[AuthenticatedClient, Client],
    state: Union[Unset, str] = UNSET,
    min_ram: Union[Unset, int] = UNSET,
    max_ram: Union[Unset, int] = UNSET,
    min_cpus: Union[Unset, int] = UNSET,
    max_cpus: Union[Unset, int] = UNSET,
    hostname: Union[Unset, str] = UNSET,
    tag: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, UUID] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Optional[Union[AgentList, ErrorBody]]:
    """ `GET /api/v1/agents`.

    Args:
        state (Union[Unset, str]):
        min_ram (Union[Unset, int]):
        max_ram (Union[Unset, int]):
        min_cpus (Union[Unset, int]):
        max_cpus (Union[Unset, int]):
        hostname (Union[Unset, str]):
        tag (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, UUID]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[AgentList, ErrorBody]
     """


    return sync_detailed(
        client=client,
state=state,
min_ram=min_ram,
max_ram=max_ram,
min_cpus=min_cpus,
max_cpus=max_cpus,
hostname=hostname,
tag=tag,
limit=limit,
cursor=cursor,
sort=sort,

    ).parsed

async def asyncio_detailed(
    *,
    client: Union[AuthenticatedClient, Client],
    state: Union[Unset, str] = UNSET,
    min_ram: Union[Unset, int] = UNSET,
    max_ram: Union[Unset, int] = UNSET,
    min_cpus: Union[Unset, int] = UNSET,
    max_cpus: Union[Unset, int] = UNSET,
    hostname: Union[Unset, str] = UNSET,
    tag: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, UUID] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Response[Union[AgentList, ErrorBody]]:
    """ `GET /api/v1/agents`.

    Args:
        state (Union[Unset, str]):
        min_ram (Union[Unset, int]):
        max_ram (Union[Unset, int]):
        min_cpus (Union[Unset, int]):
        max_cpus (Union[Unset, int]):
        hostname (Union[Unset, str]):
        tag (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, UUID]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[AgentList, ErrorBody]]
     """


    kwargs = _get_kwargs(
        state=state,
min_ram=min_ram,
max_ram=max_ram,
min_cpus=min_cpus,
max_cpus=max_cpus,
hostname=hostname,
tag=tag,
limit=limit,
cursor=cursor,
sort=sort,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: Union[AuthenticatedClient, Client],
    state: Union[Unset, str] = UNSET,
    min_ram: Union[Unset, int] = UNSET,
    max_ram: Union[Unset, int] = UNSET,
    min_cpus: Union[Unset, int] = UNSET,
    max_cpus: Union[Unset, int] = UNSET,
    hostname: Union[Unset, str] = UNSET,
    tag: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, UUID] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Optional[Union[AgentList, ErrorBody]]:
    """ `GET /api/v1/agents`.

    Args:
        state (Union[Unset, str]):
        min_ram (Union[Unset, int]):
        max_ram (Union[Unset, int]):
        min_cpus (Union[Unset, int]):
        max_cpus (Union[Unset, int]):
        hostname (Union[Unset, str]):
        tag (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, UUID]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[AgentList, ErrorBody]
     """


    return (await asyncio_detailed(
        client=client,
state=state,
min_ram=min_ram,
max_ram=max_ram,
min_cpus=min_cpus,
max_cpus=max_cpus,
hostname=hostname,
tag=tag,
limit=limit,
cursor=cursor,
sort=sort,

    )).parsed
