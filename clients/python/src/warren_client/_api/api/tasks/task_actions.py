from http import HTTPStatus
from typing import Any, Optional, Union, cast

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.task_action_list import TaskActionList
from typing import cast



def _get_kwargs(
    job_id: int,
    task_id: int,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/jobs/{job_id}/tasks/{task_id}/actions".format(job_id=job_id,task_id=task_id,),
    }


    return _kwargs



def _parse_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Optional[Union[ErrorBody, TaskActionList]]:
    if response.status_code == 200:
        response_200 = TaskActionList.from_dict(response.json())



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


def _build_response(*, client: Union[AuthenticatedClient, Client], response: httpx.Response) -> Response[Union[ErrorBody, TaskActionList]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: int,
    task_id: int,
    *,
    client: Union[AuthenticatedClient, Client],

) -> Response[Union[ErrorBody, TaskActionList]]:
    """ `GET /api/v1/jobs/{job_id}/tasks/{task_id}/actions`: who killed, skipped, failed or retried
    the task, when and why.

    Args:
        job_id (int):
        task_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[ErrorBody, TaskActionList]]
     """


    kwargs = _get_kwargs(
        job_id=job_id,
task_id=task_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    job_id: int,
    task_id: int,
    *,
    client: Union[AuthenticatedClient, Client],

) -> Optional[Union[ErrorBody, TaskActionList]]:
    """ `GET /api/v1/jobs/{job_id}/tasks/{task_id}/actions`: who killed, skipped, failed or retried
    the task, when and why.

    Args:
        job_id (int):
        task_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[ErrorBody, TaskActionList]
     """


    return sync_detailed(
        job_id=job_id,
task_id=task_id,
client=client,

    ).parsed

async def asyncio_detailed(
    job_id: int,
    task_id: int,
    *,
    client: Union[AuthenticatedClient, Client],

) -> Response[Union[ErrorBody, TaskActionList]]:
    """ `GET /api/v1/jobs/{job_id}/tasks/{task_id}/actions`: who killed, skipped, failed or retried
    the task, when and why.

    Args:
        job_id (int):
        task_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Union[ErrorBody, TaskActionList]]
     """


    kwargs = _get_kwargs(
        job_id=job_id,
task_id=task_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    job_id: int,
    task_id: int,
    *,
    client: Union[AuthenticatedClient, Client],

) -> Optional[Union[ErrorBody, TaskActionList]]:
    """ `GET /api/v1/jobs/{job_id}/tasks/{task_id}/actions`: who killed, skipped, failed or retried
    the task, when and why.

    Args:
        job_id (int):
        task_id (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Union[ErrorBody, TaskActionList]
     """


    return (await asyncio_detailed(
        job_id=job_id,
task_id=task_id,
client=client,

    )).parsed
