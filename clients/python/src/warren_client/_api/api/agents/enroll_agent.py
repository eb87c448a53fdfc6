from http import HTTPStatus
from typing import Any, Optional, Union, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.enroll_body import EnrollBody
from ...models.enroll_view import EnrollView
from ...models.error_body import ErrorBody
from typing import cast



def _get_kwargs(
    *,
    body: EnrollBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/agents/enroll",
    }

    _kwargs["json"] = body.to_dict()


    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Optional[Union[EnrollView, ErrorBody]]:
    if response.status_code == 201:
        response_201 = EnrollView.from_dict(response.json())



        return response_201

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


def _build_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Response[Union[EnrollView, ErrorBody]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: Union[AuthenticatedClient, Client],
    body: EnrollBody,

) -> Response[Union[EnrollView, ErrorBody]]:
    """ `POST /api/v1/agents/enroll` (admins): make an agent for a new node, with its own broker user
    that only the node will know the password of, and answer the join token that brings the
    node in (`warren-worker join TOKEN`). The token works once.

    Args:
        body (EnrollBody): The body of `POST /api/v1/agents/enroll`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[EnrollView, ErrorBody]]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: Union[AuthenticatedClient, Client],
    body: EnrollBody,

) -> Optional[Union[EnrollView, ErrorBody]]:
    """ `POST /api/v1/agents/enroll` (admins): make an agent for a new node, with its own broker user
    that only the node will know the password of, and answer the join token that brings the
    node in (`warren-worker join TOKEN`). The token works once.

    Args:
        body (EnrollBody): The body of `POST /api/v1/agents/enroll`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[EnrollView, ErrorBody]
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: Union[AuthenticatedClient, Client],
    body: EnrollBody,

) -> Response[Union[EnrollView, ErrorBody]]:
    """ `POST /api/v1/agents/enroll` (admins): make an agent for a new node, with its own broker user
    that only the node will know the password of, and answer the join token that brings the
    node in (`warren-worker join TOKEN`). The token works once.

    Args:
        body (EnrollBody): The body of `POST /api/v1/agents/enroll`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[EnrollView, ErrorBody]]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: Union[AuthenticatedClient, Client],
    body: EnrollBody,

) -> Optional[Union[EnrollView, ErrorBody]]:
    """ `POST /api/v1/agents/enroll` (admins): make an agent for a new node, with its own broker user
    that only the node will know the password of, and answer the join token that brings the
    node in (`warren-worker join TOKEN`). The token works once.

    Args:
        body (EnrollBody): The body of `POST /api/v1/agents/enroll`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[EnrollView, ErrorBody]
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
