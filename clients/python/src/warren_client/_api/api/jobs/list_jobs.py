from http import HTTPStatus
from typing import Any, Optional, Union, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.job_page import JobPage
from ...types import UNSET, Unset
from typing import cast
from typing import Union



def _get_kwargs(
    *,
    state: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, str] = UNSET,
    title: Union[Unset, str] = UNSET,
    user: Union[Unset, str] = UNSET,
    queue: Union[Unset, str] = UNSET,
    hidden: Union[Unset, bool] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["state"] = state

    params["limit"] = limit

    params["cursor"] = cursor

    params["title"] = title

    params["user"] = user

    params["queue"] = queue

    params["hidden"] = hidden

    params["sort"] = sort


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/jobs",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Optional[Union[ErrorBody, JobPage]]:
    if response.status_code == 200:
        response_200 = JobPage.from_dict(response.json())



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


def _build_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Response[Union[ErrorBody, JobPage]]:
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
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, str] = UNSET,
    title: Union[Unset, str] = UNSET,
    user: Union[Unset, str] = UNSET,
    queue: Union[Unset, str] = UNSET,
    hidden: Union[Unset, bool] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Response[Union[ErrorBody, JobPage]]:
    """ `GET /api/v1/jobs`: newest first unless `sort` says otherwise; `cursor` continues from the
    previous page's `next_cursor`.

    Args:
        state (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, str]):
        title (Union[Unset, str]):
        user (Union[Unset, str]):
        queue (Union[Unset, str]):
        hidden (Union[Unset, bool]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[ErrorBody, JobPage]]
     """


    kwargs = _get_kwargs(
        state=state,
limit=limit,
cursor=cursor,
title=title,
user=user,
queue=queue,
hidden=hidden,
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
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, str] = UNSET,
    title: Union[Unset, str] = UNSET,
    user: Union[Unset, str] = UNSET,
    queue: Union[Unset, str] = UNSET,
    hidden: Union[Unset, bool] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Optional[Union[ErrorBody, JobPage]]:
    """ `GET /api/v1/jobs`: newest first unless `sort` says otherwise; `cursor` continues from the
    previous page's `next_cursor`.

    Args:
        state (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, str]):
        title (Union[Unset, str]):
        user (Union[Unset, str]):
        queue (Union[Unset, str]):
        hidden (Union[Unset, bool]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[ErrorBody, JobPage]
     """


    return sync_detailed(
        client=client,
state=state,
limit=limit,
cursor=cursor,
title=title,
user=user,
queue=queue,
hidden=hidden,
sort=sort,

    ).parsed

async def asyncio_detailed(
    *,
    client: Union[AuthenticatedClient, Client],
    state: Union[Unset, str] = UNSET,
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, str] = UNSET,
    title: Union[Unset, str] = UNSET,
    user: Union[Unset, str] = UNSET,
    queue: Union[Unset, str] = UNSET,
    hidden: Union[Unset, bool] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Response[Union[ErrorBody, JobPage]]:
    """ `GET /api/v1/jobs`: newest first unless `sort` says otherwise; `cursor` continues from the
    previous page's `next_cursor`.

    Args:
        state (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, str]):
        title (Union[Unset, str]):
        user (Union[Unset, str]):
        queue (Union[Unset, str]):
        hidden (Union[Unset, bool]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[ErrorBody, JobPage]]
     """


    kwargs = _get_kwargs(
        state=state,
limit=limit,
cursor=cursor,
title=title,
user=user,
queue=queue,
hidden=hidden,
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
    limit: Union[Unset, int] = UNSET,
    cursor: Union[Unset, str] = UNSET,
    title: Union[Unset, str] = UNSET,
    user: Union[Unset, str] = UNSET,
    queue: Union[Unset, str] = UNSET,
    hidden: Union[Unset, bool] = UNSET,
    sort: Union[Unset, str] = UNSET,

) -> Optional[Union[ErrorBody, JobPage]]:
    """ `GET /api/v1/jobs`: newest first unless `sort` says otherwise; `cursor` continues from the
    previous page's `next_cursor`.

    Args:
        state (Union[Unset, str]):
        limit (Union[Unset, int]):
        cursor (Union[Unset, str]):
        title (Union[Unset, str]):
        user (Union[Unset, str]):
        queue (Union[Unset, str]):
        hidden (Union[Unset, bool]):
        sort (Union[Unset, str]):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[ErrorBody, JobPage]
     """


    return (await asyncio_detailed(
        client=client,
state=state,
limit=limit,
cursor=cursor,
title=title,
user=user,
queue=queue,
hidden=hidden,
sort=sort,

    )).parsed
