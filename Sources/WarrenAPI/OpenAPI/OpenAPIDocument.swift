import WarrenCore

/// The OpenAPI 3.1 document of the REST API, served at `/openapi.json` and rendered at `/docs`.
/// A test checks that it names every route the router has, and CI runs schemathesis against a
/// live API with it.
enum OpenAPIDocument {
    /// The document: ``core`` with the fragments of the other files merged in (their tags,
    /// paths, parameters and schemas).
    static let text: String = {
        let fragments = [schedules]
        guard case .object(var document) = try! JSONValue(parsing: Array(core.utf8)) else {
            preconditionFailure("the OpenAPI document is not a JSON object")
        }
        for fragment in fragments {
            guard case .object(let parts) = try! JSONValue(parsing: Array(fragment.utf8)) else {
                preconditionFailure("the OpenAPI document is not a JSON object")
            }
            document["tags"] = .array((document["tags"]?.arrayValue ?? []) + (parts["tags"]?.arrayValue ?? []))
            document["paths"] = merged(document["paths"], parts["paths"])
            guard case .object(var components) = document["components"] ?? .null,
                case .object(let added) = parts["components"] ?? .null
            else { continue }
            for (kind, members) in added { components[kind] = merged(components[kind], members) }
            document["components"] = .object(components)
        }
        return JSONValue.object(document).prettyText
    }()

    /// The members of two objects; `b`'s win.
    private static func merged(_ a: JSONValue?, _ b: JSONValue?) -> JSONValue {
        guard case .object(var members) = a ?? .object([:]), case .object(let more) = b ?? .object([:]) else {
            return a ?? .null
        }
        for (key, value) in more { members[key] = value }
        return .object(members)
    }

    private static let core = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Warren",
            "version": "1",
            "description": "Warren's REST API: submit tasks to workers over RabbitMQ, follow them in PostgreSQL, replay or purge their dead letters, pause queues, manage periodic schedules and API keys.\n\nEvery path but /healthz, /readyz, /metrics, /openapi.json and /docs needs an API key, as 'Authorization: Bearer <key>' or 'X-API-Key: <key>', once a key exists (an API on loopback with no key answers everyone): 401 without a valid key, 403 when its role (read < submit < admin) is not enough. Every error is an RFC 9457 problem document (application/problem+json). A path with another method is a 405, an unknown path a 404, both as problem documents."
          },
          "security": [
            {
              "bearerAuth": []
            },
            {
              "apiKeyHeader": []
            }
          ],
          "tags": [
            {
              "name": "Tasks",
              "description": "Submit tasks, read their state and history, revoke them."
            },
            {
              "name": "Dead letters",
              "description": "Messages sent to <queue>.dead, with why; replay or purge them."
            },
            {
              "name": "Queues",
              "description": "The queues at a glance; pause and resume them."
            },
            {
              "name": "Keys",
              "description": "API keys, for admins."
            },
            {
              "name": "Operations",
              "description": "Health, readiness, metrics and this document."
            }
          ],
          "paths": {
            "/v1/tasks": {
              "get": {
                "operationId": "listTasks",
                "tags": [
                  "Tasks"
                ],
                "summary": "List the task history",
                "description": "Role: read.\n\nNewest first, a page at a time; follow next_cursor. Filters combine with AND. A parameter it does not take, or a value it cannot read, is a 400 naming it.",
                "parameters": [
                  {
                    "name": "state",
                    "in": "query",
                    "required": false,
                    "description": "Only these states: comma-separated (FAILURE,REVOKED) or repeated; any case.",
                    "style": "form",
                    "explode": false,
                    "schema": {
                      "type": "array",
                      "minItems": 1,
                      "items": {
                        "$ref": "#/components/schemas/TaskState"
                      }
                    }
                  },
                  {
                    "$ref": "#/components/parameters/TaskFilter"
                  },
                  {
                    "$ref": "#/components/parameters/QueueFilter"
                  },
                  {
                    "$ref": "#/components/parameters/Since",
                    "description": "Tasks created at or after this time."
                  },
                  {
                    "name": "until",
                    "in": "query",
                    "required": false,
                    "description": "Tasks created before this time: a duration back from now or an RFC 3339 time.",
                    "schema": {
                      "$ref": "#/components/schemas/TimeText"
                    }
                  },
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of tasks.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/TaskPage"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "A parameter it does not take, or a value it cannot read (invalid-parameter)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "A time PostgreSQL cannot hold (since=99999999h: before 4713 BC)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              },
              "post": {
                "operationId": "submitTask",
                "tags": [
                  "Tasks"
                ],
                "summary": "Submit a task",
                "description": "Role: submit.\n\nValidated against the task types workers advertised: the task must be known, the queue one a worker consumes or an operator declared, and args must satisfy the task's schema. With RabbitMQ down it is still accepted, as PENDING, and published by the API's relay once the broker is back.",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/TraceParent"
                  },
                  {
                    "$ref": "#/components/parameters/TraceState"
                  }
                ],
                "requestBody": {
                  "description": "The task to run.",
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Submission"
                      },
                      "example": {
                        "task": "send_email",
                        "args": {
                          "to": "ada@example.com",
                          "subject": "Hello",
                          "body": "Hi Ada!"
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The task of an earlier submission with the same idempotency key and request.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/SubmissionAccepted"
                        }
                      }
                    },
                    "links": {
                      "GetTask": {
                        "operationId": "getTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "The task's state, result and timestamps."
                      },
                      "GetTaskEvents": {
                        "operationId": "getTaskEvents",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Every state the task went through."
                      },
                      "StreamTask": {
                        "operationId": "streamTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Its changes as Server-Sent Events."
                      },
                      "RevokeTask": {
                        "operationId": "revokeTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Revoke it."
                      }
                    }
                  },
                  "202": {
                    "description": "Accepted: a new task.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/SubmissionAccepted"
                        },
                        "example": {
                          "id": "5f0c2a9e-7c1e-4b8a-9d3f-2a6b1c0d4e5f",
                          "state": "QUEUED",
                          "task": "send_email",
                          "queue": "emails"
                        }
                      }
                    },
                    "links": {
                      "GetTask": {
                        "operationId": "getTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "The task's state, result and timestamps."
                      },
                      "GetTaskEvents": {
                        "operationId": "getTaskEvents",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Every state the task went through."
                      },
                      "StreamTask": {
                        "operationId": "streamTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Its changes as Server-Sent Events."
                      },
                      "RevokeTask": {
                        "operationId": "revokeTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Revoke it."
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The body is not JSON (malformed-json)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is read."
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict",
                    "description": "The idempotency key was first used for another request (idempotency-key-reused)."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body, or the arguments as Warren writes them, over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "Not a submission (a field unknown or of the wrong type or range; countdown with eta; an eta over 48 days away), an unknown task, an unknown queue, arguments that break the task's schema, or a value PostgreSQL refused."
                  },
                  "429": {
                    "$ref": "#/components/responses/TooManyRequests",
                    "description": "The queue holds WARREN_MAX_WAITING waiting tasks (queue-full); Retry-After: 1."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/tasks/batch": {
              "post": {
                "operationId": "submitTaskBatch",
                "tags": [
                  "Tasks"
                ],
                "summary": "Submit many tasks",
                "description": "Role: submit.\n\nEvery valid task in one transaction and one confirm window. One invalid task fails only itself: the answer is 200 with a result for each, in order, as POST /v1/tasks would answer it alone, with its status and index.",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/TraceParent"
                  },
                  {
                    "$ref": "#/components/parameters/TraceState"
                  }
                ],
                "requestBody": {
                  "description": "Up to 1,000 submissions.",
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/Batch"
                      },
                      "example": {
                        "tasks": [
                          {
                            "task": "noop"
                          },
                          {
                            "task": "send_email",
                            "args": {
                              "to": "ada@example.com",
                              "subject": "Hi",
                              "body": "Hi Ada!"
                            }
                          }
                        ]
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "A result for each submission.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/BatchResult"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The body is not JSON (malformed-json)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is read."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "The body is not {\"tasks\": [submission, …]}, or the list is empty, or over 1,000 tasks (batch-too-large)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read. Then no task of the batch was accepted."
                  }
                }
              }
            },
            "/v1/tasks/{id}": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/TaskID"
                }
              ],
              "get": {
                "operationId": "getTask",
                "tags": [
                  "Tasks"
                ],
                "summary": "Get a task",
                "description": "Role: read.\n\nWith wait, a long poll: it answers as soon as the task has finished (SUCCESS, FAILURE or REVOKED), or with the task as it is when the time is up; with progress=true also as soon as it reports progress. At most WARREN_MAX_WAITERS requests (256 by default) wait at once; the next is a 503 with Retry-After.",
                "parameters": [
                  {
                    "name": "wait",
                    "in": "query",
                    "required": false,
                    "description": "Seconds, 0 to 60, to wait for the task to finish.",
                    "schema": {
                      "type": "number",
                      "minimum": 0,
                      "maximum": 60
                    }
                  },
                  {
                    "name": "progress",
                    "in": "query",
                    "required": false,
                    "description": "With wait: also answer once the task reports progress. Exactly true or false.",
                    "schema": {
                      "type": "boolean",
                      "default": false
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The task.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Task"
                        },
                        "example": {
                          "id": "5f0c2a9e-7c1e-4b8a-9d3f-2a6b1c0d4e5f",
                          "task": "send_email",
                          "queue": "emails",
                          "state": "SUCCESS",
                          "args": {
                            "to": "ada@example.com",
                            "subject": "Hello",
                            "body": "Hi Ada!"
                          },
                          "result": {
                            "messageID": "<5f0c2a9e-7c1e-4b8a-9d3f-2a6b1c0d4e5f@warren>"
                          },
                          "error": null,
                          "attempts": 1,
                          "priority": 0,
                          "worker": "worker-1:4242",
                          "created_at": "2026-12-01T09:00:00.000Z",
                          "queued_at": "2026-12-01T09:00:00.004Z",
                          "started_at": "2026-12-01T09:00:00.010Z",
                          "finished_at": "2026-12-01T09:00:00.120Z",
                          "eta": null,
                          "progress": null
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The id is not a UUID (invalid-id), or wait or progress is not what they take (invalid-parameter)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No task has the id."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "Too many waiting requests (too-many-waiters, Retry-After: 1), or PostgreSQL failed."
                  },
                  "405": {
                    "$ref": "#/components/responses/MethodNotAllowed",
                    "description": "The id is `batch`: /v1/tasks/batch is the batch submission's path, which takes only POST."
                  }
                }
              }
            },
            "/v1/tasks/{id}/events": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/TaskID"
                }
              ],
              "get": {
                "operationId": "getTaskEvents",
                "tags": [
                  "Tasks"
                ],
                "summary": "Get a task's history",
                "description": "Role: read.\n\nEvery state the task went through, in order.",
                "responses": {
                  "200": {
                    "description": "The task's events.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/TaskEvents"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The id is not a UUID (invalid-id)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No task has the id."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/tasks/{id}/stream": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/TaskID"
                }
              ],
              "get": {
                "operationId": "streamTask",
                "tags": [
                  "Tasks"
                ],
                "summary": "Follow a task",
                "description": "Role: read.\n\nServer-Sent Events: `event: state` with the task's document (the Task schema) at once and at each change of state, `event: progress` with it at each progress report, and a `: nothing new` comment every 15 s while nothing changes. The stream ends once the task has finished. It holds a place of WARREN_MAX_WAITERS while it lasts.",
                "responses": {
                  "200": {
                    "description": "The stream of the task's changes.",
                    "headers": {
                      "Cache-Control": {
                        "description": "no-cache",
                        "required": true,
                        "schema": {
                          "type": "string",
                          "const": "no-cache"
                        }
                      }
                    },
                    "content": {
                      "text/event-stream": {
                        "schema": {
                          "type": "object",
                          "description": "Each event: `event: state` at once and at each change of state, `event: progress` at each report of progress; `data:` is the Task as JSON, on one line. Comments (`: nothing new`) keep the connection open every 15 s. The stream ends once the task is finished.",
                          "required": [
                            "event",
                            "data"
                          ],
                          "properties": {
                            "event": {
                              "enum": [
                                "state",
                                "progress"
                              ]
                            },
                            "data": {
                              "type": "string",
                              "contentMediaType": "application/json",
                              "description": "A Task."
                            }
                          }
                        },
                        "example": "event: state\ndata: {\"id\":\"5f0c2a9e-7c1e-4b8a-9d3f-2a6b1c0d4e5f\",…,\"state\":\"STARTED\",…}\n\nevent: progress\ndata: {…,\"progress\":{\"at\":\"2026-12-01T09:00:01.000Z\",\"fraction\":0.5,\"message\":null},…}\n\n"
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The id is not a UUID (invalid-id)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No task has the id."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "Too many waiting requests (too-many-waiters, Retry-After: 1), or PostgreSQL failed."
                  }
                }
              }
            },
            "/v1/tasks/{id}/revoke": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/TaskID"
                }
              ],
              "post": {
                "operationId": "revokeTask",
                "tags": [
                  "Tasks"
                ],
                "summary": "Revoke a task",
                "description": "Role: submit (a submit key revokes only the tasks it submitted; admin revokes any).\n\nA waiting task (PENDING, SCHEDULED, QUEUED, RETRY) never starts; with terminate, a running one is cancelled too (within about a second). Revoking a revoked task again is harmless.",
                "requestBody": {
                  "description": "Optional; an empty body is the same as {}.",
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/RevokeRequest"
                      },
                      "example": {
                        "terminate": true
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The task, now REVOKED.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Task"
                        }
                      }
                    },
                    "links": {
                      "GetTask": {
                        "operationId": "getTask",
                        "parameters": {
                          "id": "$response.body#/id"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The id is not a UUID (invalid-id), or the body is not JSON (malformed-json)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is read, or it is a submit key and did not submit this task."
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No task has the id."
                  },
                  "409": {
                    "$ref": "#/components/responses/Conflict",
                    "description": "The task has finished, or is running and terminate is not true (conflict)."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "The body is not {} or {\"terminate\": true|false|null} (invalid-arguments)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/dead-letters": {
              "get": {
                "operationId": "listDeadLetters",
                "tags": [
                  "Dead letters"
                ],
                "summary": "List dead letters",
                "description": "Role: read.\n\nNewest first, a page at a time, with what waits in each <queue>.dead now. A parameter it does not take, or a value it cannot read, is a 400 naming it.",
                "parameters": [
                  {
                    "$ref": "#/components/parameters/QueueFilter",
                    "description": "Only dead letters from this queue."
                  },
                  {
                    "$ref": "#/components/parameters/TaskFilter"
                  },
                  {
                    "name": "reason",
                    "in": "query",
                    "required": false,
                    "description": "Only this reason.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "invalid_message",
                        "unknown_task",
                        "retries_exhausted",
                        "not_retryable",
                        "poison",
                        "unpublishable",
                        "time_limit"
                      ]
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "dead (still waiting in <queue>.dead), replayed, purged, or all.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "dead",
                        "replayed",
                        "purged",
                        "all"
                      ],
                      "default": "dead"
                    }
                  },
                  {
                    "$ref": "#/components/parameters/Since",
                    "description": "Dead letters written at or after this time."
                  },
                  {
                    "$ref": "#/components/parameters/Limit"
                  },
                  {
                    "$ref": "#/components/parameters/Cursor"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of dead letters.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/DeadLetterPage"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "A parameter it does not take, or a value it cannot read (invalid-parameter)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "A time PostgreSQL cannot hold (since=99999999h: before 4713 BC)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              },
              "delete": {
                "operationId": "purgeDeadLetters",
                "tags": [
                  "Dead letters"
                ],
                "summary": "Purge dead letters",
                "description": "Role: admin.\n\nEach dead letter selected is marked purged, with a PURGED event on its task, which stays FAILURE, and its message is removed from <queue>.dead.",
                "requestBody": {
                  "description": "Which dead letters to purge.",
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/DeadLetterSelection"
                      },
                      "example": {
                        "queue": "emails",
                        "reason": "unknown_task"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "What the purge did with each dead letter it met.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/DeadLetterReport"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The body is not JSON (malformed-json), or not a selection (invalid-parameter)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "A since PostgreSQL cannot hold: a value PostgreSQL refused."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/dead-letters/replay": {
              "post": {
                "operationId": "replayDeadLetters",
                "tags": [
                  "Dead letters"
                ],
                "summary": "Replay dead letters",
                "description": "Role: admin.\n\nEach selected dead letter's task goes from FAILURE back to PENDING (a REPLAYED event), is published, and its retry policy's attempts start again; its message leaves <queue>.dead. Running it twice replays each task once.",
                "requestBody": {
                  "description": "Which dead letters to replay.",
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/DeadLetterSelection"
                      },
                      "example": {
                        "queue": "emails",
                        "reason": "retries_exhausted"
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "What the replay did with each dead letter it met.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/DeadLetterReport"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The body is not JSON (malformed-json), or not a selection (invalid-parameter)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "A since PostgreSQL cannot hold: a value PostgreSQL refused."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/dead-letters/{id}": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/DeadLetterID"
                }
              ],
              "get": {
                "operationId": "getDeadLetter",
                "tags": [
                  "Dead letters"
                ],
                "summary": "Get a dead letter",
                "description": "Role: read.\n\nOne dead letter, with the message it kept.",
                "responses": {
                  "200": {
                    "description": "The dead letter.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/DeadLetterDetail"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The id is not a positive integer (invalid-id)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No dead letter has the id."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/queues": {
              "get": {
                "operationId": "listQueues",
                "tags": [
                  "Queues"
                ],
                "summary": "List the queues",
                "description": "Role: read.\n\nEvery queue Warren knows, with RabbitMQ's counts now, the management API's figures (null where it did not answer; rabbitmq_api says why), whether it is paused, and the tasks it finished over the last minute and hour.",
                "responses": {
                  "200": {
                    "description": "The queues.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/QueueOverview"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "No valid key. (Any valid key may read: this route never answers 403.)"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/queues/{name}/pause": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/QueueNamePath"
                }
              ],
              "post": {
                "operationId": "pauseQueue",
                "tags": [
                  "Queues"
                ],
                "summary": "Pause a queue",
                "description": "Role: admin.\n\nWithin a second every worker stops consuming it and gives back what it took from it and has not started; submissions to it are still accepted. It stays paused, across restarts, until resumed; pausing a paused queue keeps its first paused_at. No body is read.",
                "responses": {
                  "200": {
                    "description": "The queue, paused.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/QueuePause"
                        },
                        "example": {
                          "queue": "emails",
                          "paused": true,
                          "paused_at": "2026-12-01T09:00:00.000Z"
                        }
                      }
                    },
                    "links": {
                      "ResumeQueue": {
                        "operationId": "resumeQueue",
                        "parameters": {
                          "name": "$response.body#/queue"
                        },
                        "description": "Resume it."
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "Warren knows no queue of that name."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/queues/{name}/resume": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/QueueNamePath"
                }
              ],
              "post": {
                "operationId": "resumeQueue",
                "tags": [
                  "Queues"
                ],
                "summary": "Resume a queue",
                "description": "Role: admin.\n\nWithin a second the workers that serve it consume it again. Resuming a queue that is not paused is harmless. No body is read.",
                "responses": {
                  "200": {
                    "description": "The queue, resumed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/QueuePause"
                        },
                        "example": {
                          "queue": "emails",
                          "paused": false,
                          "paused_at": null
                        }
                      }
                    },
                    "links": {
                      "PauseQueue": {
                        "operationId": "pauseQueue",
                        "parameters": {
                          "name": "$response.body#/queue"
                        },
                        "description": "Pause it again."
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "Warren knows no queue of that name."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "PostgreSQL or RabbitMQ failed, or the stored API keys could not be read."
                  }
                }
              }
            },
            "/v1/keys": {
              "get": {
                "operationId": "listKeys",
                "tags": [
                  "Keys"
                ],
                "summary": "List the API keys",
                "description": "Role: admin.\n\nEvery key, revoked or not, oldest first, without the keys themselves.",
                "responses": {
                  "200": {
                    "description": "The keys.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/APIKeyList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError",
                    "description": "A fault, or PostgreSQL failed: the keys routes answer that with 500, not 503."
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "The stored API keys could not be read to check the key presented."
                  }
                }
              },
              "post": {
                "operationId": "createKey",
                "tags": [
                  "Keys"
                ],
                "summary": "Create an API key",
                "description": "Role: admin.\n\nThe key itself is in the answer this once; only its SHA-256 is stored.",
                "requestBody": {
                  "description": "The new key's name and role.",
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/CreateAPIKey"
                      },
                      "example": {
                        "name": "billing",
                        "role": "submit"
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "The key, with key.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/CreatedAPIKey"
                        }
                      }
                    },
                    "links": {
                      "RevokeKey": {
                        "operationId": "revokeKey",
                        "parameters": {
                          "id": "$response.body#/id"
                        },
                        "description": "Revoke the key."
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The body is not JSON (malformed-json)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "Not {\"name\", \"role\"}, or a name not 1 to 200 bytes without U+0000."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError",
                    "description": "A fault, or PostgreSQL failed: the keys routes answer that with 500, not 503."
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "The stored API keys could not be read to check the key presented."
                  }
                }
              }
            },
            "/v1/keys/{id}": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/KeyID"
                }
              ],
              "delete": {
                "operationId": "revokeKey",
                "tags": [
                  "Keys"
                ],
                "summary": "Revoke an API key",
                "description": "Role: admin.\n\nThe API refuses the key within a second. Revoking a revoked key again keeps its first revoked_at.",
                "responses": {
                  "200": {
                    "description": "The key, with revoked_at.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/APIKey"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/BadRequest",
                    "description": "The id is not a positive integer (invalid-id)."
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "403": {
                    "$ref": "#/components/responses/Forbidden",
                    "description": "The key's role is not admin."
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No API key has the id."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError",
                    "description": "A fault, or PostgreSQL failed: the keys routes answer that with 500, not 503."
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable",
                    "description": "The stored API keys could not be read to check the key presented."
                  }
                }
              }
            },
            "/healthz": {
              "get": {
                "operationId": "getHealth",
                "tags": [
                  "Operations"
                ],
                "summary": "Liveness",
                "description": "Open to anyone: no API key is needed.\n\n200 while the process is up.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "The process is up.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Health"
                        },
                        "example": {
                          "status": "ok"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/readyz": {
              "get": {
                "operationId": "getReadiness",
                "tags": [
                  "Operations"
                ],
                "summary": "Readiness",
                "description": "Open to anyone: no API key is needed.\n\nWhether RabbitMQ and PostgreSQL answer, checked at most once a second however often it is asked.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "Both answer.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Readiness"
                            }
                          ],
                          "properties": {
                            "status": {
                              "const": "ready"
                            },
                            "rabbitmq": {
                              "const": "ok"
                            },
                            "postgresql": {
                              "const": "ok"
                            }
                          }
                        },
                        "example": {
                          "status": "ready",
                          "rabbitmq": "ok",
                          "postgresql": "ok"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "One or both do not answer (a JSON document, not a problem).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "allOf": [
                            {
                              "$ref": "#/components/schemas/Readiness"
                            }
                          ],
                          "properties": {
                            "status": {
                              "const": "unavailable"
                            }
                          },
                          "anyOf": [
                            {
                              "properties": {
                                "rabbitmq": {
                                  "const": "unreachable"
                                }
                              }
                            },
                            {
                              "properties": {
                                "postgresql": {
                                  "const": "unreachable"
                                }
                              }
                            }
                          ]
                        },
                        "example": {
                          "status": "unavailable",
                          "rabbitmq": "ok",
                          "postgresql": "unreachable"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "getMetrics",
                "tags": [
                  "Operations"
                ],
                "summary": "Prometheus metrics",
                "description": "No API key is needed; when WARREN_METRICS_KEY is set, it must be sent as a Bearer key.\n\nEverything the process records, in Prometheus' text exposition format 0.0.4, with the queues' gauges refreshed at most once a second. The key, when set, comes as 'Authorization: Bearer <key>' (not X-API-Key).",
                "security": [
                  {},
                  {
                    "metricsKey": []
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The metrics (Content-Type: text/plain; version=0.0.4; charset=utf-8).",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        },
                        "example": "# TYPE warren_tasks_submitted_total counter\nwarren_tasks_submitted_total{queue=\"emails\",task=\"send_email\"} 1\n"
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized",
                    "description": "WARREN_METRICS_KEY is set and was not sent as a Bearer key (http-401)."
                  }
                }
              }
            },
            "/openapi.json": {
              "get": {
                "operationId": "getOpenAPI",
                "tags": [
                  "Operations"
                ],
                "summary": "This document",
                "description": "Open to anyone: no API key is needed.\n\nThe OpenAPI 3.1 document of the REST API.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "The OpenAPI document.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/docs": {
              "get": {
                "operationId": "getDocs",
                "tags": [
                  "Operations"
                ],
                "summary": "The API's documentation",
                "description": "Open to anyone: no API key is needed.\n\nAn HTML page rendering /openapi.json.",
                "security": [],
                "responses": {
                  "200": {
                    "description": "The page.",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key as 'Authorization: Bearer <key>'; when a request sends both, this one and not X-API-Key."
              },
              "apiKeyHeader": {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "An API key as 'X-API-Key: <key>'."
              },
              "metricsKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "WARREN_METRICS_KEY, when set, as 'Authorization: Bearer <key>' (not X-API-Key)."
              }
            },
            "parameters": {
              "TraceParent": {
                "name": "traceparent",
                "in": "header",
                "required": false,
                "description": "W3C Trace Context: the trace the task's spans join. The task's message carries it (docs/protocol.md) and the worker's span for the task is its child. One that is not valid is ignored.",
                "schema": {
                  "type": "string"
                },
                "example": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
              },
              "TraceState": {
                "name": "tracestate",
                "in": "header",
                "required": false,
                "description": "W3C Trace Context: vendor data carried with traceparent.",
                "schema": {
                  "type": "string"
                }
              },
              "TaskID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "The task's id, a UUID (any case); anything else is a 400.",
                "schema": {
                  "type": "string",
                  "format": "uuid",
                  "pattern": "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
                }
              },
              "DeadLetterID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "A dead letter's id, a positive integer; anything else is a 400.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 9223372036854775807
                }
              },
              "KeyID": {
                "name": "id",
                "in": "path",
                "required": true,
                "description": "A key's id, a positive integer; anything else is a 400.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 9223372036854775807
                }
              },
              "QueueNamePath": {
                "name": "name",
                "in": "path",
                "required": true,
                "description": "A queue Warren knows (one a worker consumes or an operator declared); anything else is a 404. It is compared as sent, not percent-decoded.",
                "schema": {
                  "type": "string"
                }
              },
              "Limit": {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "The most items on a page: a whole number from 1; above 500 it is read as 500.",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 9223372036854775807,
                  "default": 50
                }
              },
              "Cursor": {
                "name": "cursor",
                "in": "query",
                "required": false,
                "description": "next_cursor of the previous page; anything else is a 400.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 80,
                  "pattern": "^[A-Za-z0-9_-]+$"
                }
              },
              "Since": {
                "name": "since",
                "in": "query",
                "required": false,
                "description": "At or after this time: a duration back from now (30s, 1h, 7d) or an RFC 3339 time.",
                "schema": {
                  "$ref": "#/components/schemas/TimeText"
                }
              },
              "QueueFilter": {
                "name": "queue",
                "in": "query",
                "required": false,
                "description": "Only this queue.",
                "schema": {
                  "$ref": "#/components/schemas/QueueName"
                }
              },
              "TaskFilter": {
                "name": "task",
                "in": "query",
                "required": false,
                "description": "Only this task type.",
                "schema": {
                  "$ref": "#/components/schemas/TaskName"
                }
              }
            },
            "headers": {
              "WWWAuthenticate": {
                "description": "Always Bearer.",
                "required": true,
                "schema": {
                  "type": "string",
                  "const": "Bearer"
                }
              },
              "RetryAfter": {
                "description": "Seconds after which to try again.",
                "required": true,
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              },
              "RetryAfterOptional": {
                "description": "Seconds after which to try again; sent with too-many-waiters.",
                "required": false,
                "schema": {
                  "type": "integer",
                  "minimum": 0
                }
              }
            },
            "responses": {
              "BadRequest": {
                "description": "Malformed JSON, an id that cannot be read, or a parameter that cannot be read.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "Unauthorized": {
                "description": "No valid key: send one as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.",
                "headers": {
                  "WWW-Authenticate": {
                    "$ref": "#/components/headers/WWWAuthenticate"
                  }
                },
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "Forbidden": {
                "description": "The key's role is not enough for this route.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "NotFound": {
                "description": "Nothing has that id or name.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "MethodNotAllowed": {
                "description": "The path exists, but not with this method (any route).",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "Conflict": {
                "description": "The request does not fit the current state.",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "ContentTooLarge": {
                "description": "The body is over WARREN_MAX_BODY_BYTES (1 MiB by default).",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "UnprocessableContent": {
                "description": "The JSON is well formed but its content is refused (each problem in errors).",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "TooManyRequests": {
                "description": "The queue holds WARREN_MAX_WAITING waiting tasks (queue-full).",
                "headers": {
                  "Retry-After": {
                    "$ref": "#/components/headers/RetryAfter"
                  }
                },
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "InternalError": {
                "description": "A fault that trying again will not mend (logged by the server).",
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              },
              "ServiceUnavailable": {
                "description": "PostgreSQL or RabbitMQ failed (database-unavailable, broker-unavailable): try again.",
                "headers": {
                  "Retry-After": {
                    "$ref": "#/components/headers/RetryAfterOptional"
                  }
                },
                "content": {
                  "application/problem+json": {
                    "schema": {
                      "$ref": "#/components/schemas/Problem"
                    }
                  }
                }
              }
            },
            "schemas": {
              "Problem": {
                "type": "object",
                "description": "An RFC 9457 problem document (application/problem+json).",
                "required": [
                  "type",
                  "title",
                  "status",
                  "detail",
                  "instance"
                ],
                "properties": {
                  "type": {
                    "type": "string",
                    "pattern": "^urn:warren:problem:[a-z0-9-]+$",
                    "description": "urn:warren:problem: and the kind of problem, e.g. unknown-task, invalid-arguments, invalid-parameter, malformed-json, invalid-id, not-found, unauthorized, forbidden, conflict, idempotency-key-reused, body-too-large, batch-too-large, queue-full, too-many-waiters, database-unavailable, broker-unavailable, method-not-allowed, internal, or http-<status> for the HTTP server's own refusals.",
                    "examples": [
                      "urn:warren:problem:invalid-arguments"
                    ]
                  },
                  "title": {
                    "type": "string",
                    "description": "A short summary of the kind of problem."
                  },
                  "status": {
                    "type": "integer",
                    "minimum": 400,
                    "maximum": 599,
                    "description": "The HTTP status code."
                  },
                  "detail": {
                    "type": "string",
                    "description": "What went wrong with this request."
                  },
                  "instance": {
                    "type": "string",
                    "description": "The request's path, without its query."
                  },
                  "errors": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                      "type": "string"
                    },
                    "description": "Each problem, e.g. each argument that broke the schema; only when there are some."
                  }
                },
                "additionalProperties": false
              },
              "TaskState": {
                "type": "string",
                "enum": [
                  "PENDING",
                  "SCHEDULED",
                  "QUEUED",
                  "STARTED",
                  "RETRY",
                  "SUCCESS",
                  "FAILURE",
                  "REVOKED"
                ],
                "description": "PENDING → (SCHEDULED →) QUEUED → STARTED → SUCCESS, or → RETRY → STARTED … → FAILURE; REVOKED from any waiting state (or from STARTED with terminate)."
              },
              "TaskID": {
                "type": "string",
                "format": "uuid",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                "description": "A task's id: a UUID in lower case."
              },
              "QueueName": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "pattern": "^[A-Za-z0-9_.:-]+$",
                "not": {
                  "anyOf": [
                    {
                      "pattern": "\\.dead$"
                    },
                    {
                      "pattern": "^amq\\."
                    },
                    {
                      "pattern": "^warren\\.delay\\."
                    }
                  ]
                },
                "description": "1 to 200 letters, digits, '_', '-', '.' or ':'; names ending in .dead or starting with amq. or warren.delay. are reserved."
              },
              "TaskName": {
                "type": "string",
                "minLength": 1,
                "maxLength": 200,
                "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
                "description": "A task name: 1 to 200 bytes of UTF-8 with no control characters."
              },
              "TimeText": {
                "type": "string",
                "anyOf": [
                  {
                    "pattern": "^([+]?0*([0-9]{1,8}|100000000)|-0+)[smhd]$",
                    "description": "A duration back from now: 30s, 15m, 1h, 7d (at most 100,000,000 of the unit)."
                  },
                  {
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-](0[0-9]|1[0-7]):[0-5][0-9]|[+-]18:00)$",
                    "description": "An RFC 3339 time from 0001-01-01 to 9999-12-31, its offset at most 18 hours."
                  }
                ],
                "description": "A duration back from now (30s, 15m, 1h, 7d) or an RFC 3339 time (2026-12-01T09:00:00Z); a time before the year 1 or after 9999 is a 400."
              },
              "Progress": {
                "type": "object",
                "description": "How far the running attempt last said it had got.",
                "required": [
                  "fraction",
                  "message",
                  "at"
                ],
                "properties": {
                  "fraction": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1
                  },
                  "message": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "What the task said it was doing, if it said."
                  },
                  "at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When it was reported."
                  }
                },
                "additionalProperties": false
              },
              "Task": {
                "type": "object",
                "description": "A task: its row in warren.tasks.",
                "required": [
                  "id",
                  "task",
                  "queue",
                  "state",
                  "args",
                  "result",
                  "error",
                  "attempts",
                  "priority",
                  "worker",
                  "created_at",
                  "queued_at",
                  "started_at",
                  "finished_at",
                  "eta",
                  "progress"
                ],
                "properties": {
                  "id": {
                    "$ref": "#/components/schemas/TaskID"
                  },
                  "task": {
                    "type": "string",
                    "description": "The task's registered name."
                  },
                  "queue": {
                    "type": "string"
                  },
                  "state": {
                    "$ref": "#/components/schemas/TaskState"
                  },
                  "args": {
                    "description": "The task's arguments: any JSON."
                  },
                  "result": {
                    "description": "What it returned (any JSON); null until it succeeds, and once it expired."
                  },
                  "error": {
                    "description": "The last error, usually {\"type\", \"message\", \"reason\"?}, or null."
                  },
                  "attempts": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Attempts started."
                  },
                  "priority": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": 255,
                    "description": "0–9 for tasks submitted to Warren; a foreign message may carry up to 255."
                  },
                  "worker": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The worker (host:pid) that ran its last attempt."
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "queued_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When the broker confirmed it."
                  },
                  "started_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When its last attempt started."
                  },
                  "finished_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When it succeeded, failed for good or was revoked."
                  },
                  "eta": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When a SCHEDULED or RETRY task is (or was) due."
                  },
                  "progress": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/Progress"
                      },
                      {
                        "type": "null"
                      }
                    ]
                  },
                  "result_expired_at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When its result was cleared (result_ttl); only present once it was."
                  }
                },
                "additionalProperties": false
              },
              "TaskPage": {
                "type": "object",
                "description": "A page of the task history.",
                "required": [
                  "tasks",
                  "next_cursor"
                ],
                "properties": {
                  "tasks": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Task"
                    },
                    "description": "Newest first."
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "pattern": "^[A-Za-z0-9_-]+$",
                    "description": "Pass as cursor for the next page; null on the last."
                  }
                },
                "additionalProperties": false
              },
              "TaskEvent": {
                "type": "object",
                "required": [
                  "at",
                  "state",
                  "attempt",
                  "worker",
                  "detail"
                ],
                "properties": {
                  "at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "state": {
                    "type": "string",
                    "description": "A task state (PENDING … REVOKED) the task entered, or REPLAYED / PURGED for what an operator did to its dead letter.",
                    "examples": [
                      "QUEUED",
                      "STARTED",
                      "SUCCESS",
                      "REPLAYED"
                    ]
                  },
                  "attempt": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The attempt it belongs to; 0 before the first."
                  },
                  "worker": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The worker (host:pid) that wrote it, if one did."
                  },
                  "detail": {
                    "description": "What else is known (any JSON, or null): the error of a FAILURE or RETRY."
                  }
                },
                "additionalProperties": false
              },
              "TaskEvents": {
                "type": "object",
                "description": "Every state a task went through.",
                "required": [
                  "id",
                  "events"
                ],
                "properties": {
                  "id": {
                    "$ref": "#/components/schemas/TaskID"
                  },
                  "events": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/TaskEvent"
                    },
                    "description": "In order."
                  }
                },
                "additionalProperties": false
              },
              "RetryPolicy": {
                "type": [
                  "object",
                  "null"
                ],
                "description": "Fields overriding the task type's retry policy; those left out (or null) keep its own.",
                "required": [],
                "properties": {
                  "max_retries": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 1000,
                    "description": "Retries after the first attempt."
                  },
                  "backoff": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "enum": [
                      "fixed",
                      "exponential",
                      null
                    ]
                  },
                  "delay": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 4194303,
                    "description": "The first retry's delay, in seconds."
                  },
                  "max_delay": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 4194303,
                    "description": "The longest delay, in seconds; at least the delay (the task type's when this leaves it out), or the submission is refused with 422."
                  },
                  "jitter": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 1,
                    "description": "The fraction of each delay that is random."
                  },
                  "on": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "enum": [
                      "any",
                      "retryable",
                      null
                    ],
                    "description": "Which errors are retried: any, or only those the task marks retryable."
                  }
                },
                "additionalProperties": false
              },
              "Submission": {
                "type": "object",
                "description": "A task to run.",
                "required": [
                  "task"
                ],
                "properties": {
                  "task": {
                    "$ref": "#/components/schemas/TaskName",
                    "description": "The name a worker advertised; anything else is a 422 (unknown-task)."
                  },
                  "args": {
                    "description": "The arguments (any JSON; {} when left out), which must satisfy the task type's advertised schema (422 invalid-arguments naming each violation) and take at most WARREN_MAX_BODY_BYTES as Warren writes them (413). They cannot hold U+0000."
                  },
                  "queue": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/QueueName"
                      },
                      {
                        "type": "null"
                      }
                    ],
                    "description": "The queue, when not the task type's default: one a worker consumes or an operator declared (else 422 unknown-queue)."
                  },
                  "priority": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 9,
                    "description": "Higher runs first within a queue; 0 when left out."
                  },
                  "idempotency_key": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "^[^\\u0000]*$",
                    "description": "1 to 200 bytes of UTF-8, without U+0000. Submitting again with the same key (from the same API key) and the same request answers 200 with the first task; with another request, 409."
                  },
                  "countdown": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 4194303,
                    "description": "Seconds to wait before running it; not with eta."
                  },
                  "eta": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
                    "description": "When to run it (ISO 8601), at most 48 days from now; not with countdown."
                  },
                  "retry": {
                    "$ref": "#/components/schemas/RetryPolicy"
                  },
                  "max_retries": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 1000,
                    "description": "Overrides the retry policy's max_retries."
                  },
                  "result_ttl": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 315360000,
                    "description": "Seconds to keep its result once it succeeds, overriding the task type's."
                  }
                },
                "additionalProperties": false,
                "not": {
                  "required": [
                    "countdown",
                    "eta"
                  ],
                  "properties": {
                    "countdown": {
                      "type": "number"
                    },
                    "eta": {
                      "type": "string"
                    }
                  },
                  "description": "countdown and eta together are refused (422)."
                }
              },
              "Batch": {
                "type": "object",
                "description": "Many tasks submitted in one transaction and one confirm window.",
                "required": [
                  "tasks"
                ],
                "properties": {
                  "tasks": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": {
                      "anyOf": [
                        {
                          "$ref": "#/components/schemas/Submission"
                        },
                        {
                          "description": "Anything else is accepted in the batch and refused in its own result."
                        }
                      ]
                    },
                    "description": "1 to 1,000 submissions, each as POST /v1/tasks takes it. One that is not valid fails only itself: its result is a problem document."
                  }
                },
                "additionalProperties": false
              },
              "SubmissionAccepted": {
                "type": "object",
                "description": "The task a submission made (or, for a repeated idempotency key, found).",
                "required": [
                  "id",
                  "state",
                  "task",
                  "queue"
                ],
                "properties": {
                  "id": {
                    "$ref": "#/components/schemas/TaskID"
                  },
                  "state": {
                    "$ref": "#/components/schemas/TaskState",
                    "description": "QUEUED once the broker confirmed it (SCHEDULED with a countdown or eta), PENDING when the broker could not be reached (the API's relay publishes it later); for a repeated idempotency key, the existing task's state."
                  },
                  "task": {
                    "type": "string"
                  },
                  "queue": {
                    "type": "string"
                  }
                },
                "additionalProperties": false
              },
              "BatchItemAccepted": {
                "type": "object",
                "description": "A submission accepted: what POST /v1/tasks answers, with its status and index.",
                "required": [
                  "id",
                  "state",
                  "task",
                  "queue",
                  "status",
                  "index"
                ],
                "properties": {
                  "id": {
                    "$ref": "#/components/schemas/TaskID"
                  },
                  "state": {
                    "$ref": "#/components/schemas/TaskState"
                  },
                  "task": {
                    "type": "string"
                  },
                  "queue": {
                    "type": "string"
                  },
                  "status": {
                    "type": "integer",
                    "enum": [
                      200,
                      202
                    ],
                    "description": "202 for a new task, 200 for an existing one (a repeated idempotency key)."
                  },
                  "index": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The submission's place in the batch, from 0."
                  }
                },
                "additionalProperties": false
              },
              "BatchItemRefused": {
                "type": "object",
                "description": "A submission refused: the problem POST /v1/tasks would answer, with its index.",
                "required": [
                  "type",
                  "title",
                  "status",
                  "detail",
                  "instance",
                  "index"
                ],
                "properties": {
                  "type": {
                    "type": "string",
                    "pattern": "^urn:warren:problem:[a-z0-9-]+$",
                    "description": "urn:warren:problem: and the kind of problem, e.g. unknown-task, invalid-arguments, invalid-parameter, malformed-json, invalid-id, not-found, unauthorized, forbidden, conflict, idempotency-key-reused, body-too-large, batch-too-large, queue-full, too-many-waiters, database-unavailable, broker-unavailable, method-not-allowed, internal, or http-<status> for the HTTP server's own refusals.",
                    "examples": [
                      "urn:warren:problem:invalid-arguments"
                    ]
                  },
                  "title": {
                    "type": "string"
                  },
                  "status": {
                    "type": "integer",
                    "enum": [
                      409,
                      413,
                      422,
                      429
                    ],
                    "description": "What POST /v1/tasks would answer alone: 409 a reused idempotency key, 413 arguments too large, 422 an invalid submission, 429 a full queue."
                  },
                  "detail": {
                    "type": "string"
                  },
                  "instance": {
                    "type": "string"
                  },
                  "errors": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                      "type": "string"
                    },
                    "description": "Each problem, e.g. each argument that broke the schema; only when there are some."
                  },
                  "index": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The submission's place in the batch, from 0."
                  }
                },
                "additionalProperties": false
              },
              "BatchResult": {
                "type": "object",
                "description": "What a batch did with each submission.",
                "required": [
                  "results",
                  "accepted",
                  "refused"
                ],
                "properties": {
                  "results": {
                    "type": "array",
                    "items": {
                      "oneOf": [
                        {
                          "$ref": "#/components/schemas/BatchItemAccepted"
                        },
                        {
                          "$ref": "#/components/schemas/BatchItemRefused"
                        }
                      ]
                    },
                    "description": "One for each submission, in order."
                  },
                  "accepted": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "refused": {
                    "type": "integer",
                    "minimum": 0
                  }
                },
                "additionalProperties": false
              },
              "RevokeRequest": {
                "type": "object",
                "description": "The optional body of a revoke; an empty body is the same as {}.",
                "required": [],
                "properties": {
                  "terminate": {
                    "type": [
                      "boolean",
                      "null"
                    ],
                    "description": "true also cancels a running (STARTED) task."
                  }
                },
                "additionalProperties": false
              },
              "DeadLetter": {
                "type": "object",
                "description": "A message sent to <queue>.dead.",
                "required": [
                  "id",
                  "queue",
                  "dead_letter_queue",
                  "task_id",
                  "task",
                  "reason",
                  "error",
                  "attempts",
                  "state",
                  "args",
                  "at",
                  "status",
                  "resolved_at"
                ],
                "properties": {
                  "id": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "queue": {
                    "type": "string",
                    "description": "The queue the message came from."
                  },
                  "dead_letter_queue": {
                    "type": "string",
                    "description": "<queue>.dead"
                  },
                  "task_id": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "uuid",
                    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                    "description": "The task the message carried; null when it had no readable id."
                  },
                  "task": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The task's name, when its row exists."
                  },
                  "reason": {
                    "type": "string",
                    "description": "Why it was dead-lettered, e.g. retries_exhausted or not_retryable.",
                    "examples": [
                      "retries_exhausted"
                    ]
                  },
                  "error": {
                    "description": "Why its last attempt failed (usually {\"type\", \"message\", \"reason\"}), or null."
                  },
                  "attempts": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Attempts the task had, when its row exists."
                  },
                  "state": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/TaskState"
                      },
                      {
                        "type": "null"
                      }
                    ],
                    "description": "The task's state now (FAILURE, unless it was replayed since); null without a row."
                  },
                  "args": {
                    "description": "The task's arguments (any JSON), or null without a row."
                  },
                  "at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "dead",
                      "replayed",
                      "purged"
                    ],
                    "description": "dead while its message waits in <queue>.dead."
                  },
                  "resolved_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When it was replayed or purged."
                  }
                },
                "additionalProperties": false
              },
              "DeadLetterDetail": {
                "type": "object",
                "description": "One dead letter, with the message it kept.",
                "required": [
                  "id",
                  "queue",
                  "dead_letter_queue",
                  "task_id",
                  "task",
                  "reason",
                  "error",
                  "attempts",
                  "state",
                  "args",
                  "at",
                  "status",
                  "resolved_at",
                  "message",
                  "body_base64"
                ],
                "properties": {
                  "id": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "queue": {
                    "type": "string",
                    "description": "The queue the message came from."
                  },
                  "dead_letter_queue": {
                    "type": "string",
                    "description": "<queue>.dead"
                  },
                  "task_id": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "uuid",
                    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                    "description": "The task the message carried; null when it had no readable id."
                  },
                  "task": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The task's name, when its row exists."
                  },
                  "reason": {
                    "type": "string",
                    "description": "Why it was dead-lettered, e.g. retries_exhausted or not_retryable.",
                    "examples": [
                      "retries_exhausted"
                    ]
                  },
                  "error": {
                    "description": "Why its last attempt failed (usually {\"type\", \"message\", \"reason\"}), or null."
                  },
                  "attempts": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Attempts the task had, when its row exists."
                  },
                  "state": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/TaskState"
                      },
                      {
                        "type": "null"
                      }
                    ],
                    "description": "The task's state now (FAILURE, unless it was replayed since); null without a row."
                  },
                  "args": {
                    "description": "The task's arguments (any JSON), or null without a row."
                  },
                  "at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "dead",
                      "replayed",
                      "purged"
                    ],
                    "description": "dead while its message waits in <queue>.dead."
                  },
                  "resolved_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When it was replayed or purged."
                  },
                  "message": {
                    "description": "The message's body as JSON, or null when it is not JSON."
                  },
                  "body_base64": {
                    "type": "string",
                    "contentEncoding": "base64",
                    "description": "The body as it was received."
                  }
                },
                "additionalProperties": false
              },
              "DeadLetterPage": {
                "type": "object",
                "description": "A page of dead letters.",
                "required": [
                  "dead_letters",
                  "next_cursor",
                  "queues"
                ],
                "properties": {
                  "dead_letters": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/DeadLetter"
                    },
                    "description": "Newest first."
                  },
                  "next_cursor": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "pattern": "^[A-Za-z0-9_-]+$",
                    "description": "Pass as cursor for the next page; null on the last."
                  },
                  "queues": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "queue",
                        "dead_letter_queue",
                        "messages"
                      ],
                      "properties": {
                        "queue": {
                          "type": "string"
                        },
                        "dead_letter_queue": {
                          "type": "string"
                        },
                        "messages": {
                          "type": [
                            "integer",
                            "null"
                          ],
                          "minimum": 0,
                          "description": "What waits in it now (RabbitMQ); null when it has no such queue."
                        }
                      },
                      "additionalProperties": false
                    },
                    "description": "The queue filtered on, or every queue Warren knows."
                  }
                },
                "additionalProperties": false
              },
              "DeadLetterSelection": {
                "description": "Which dead letters a replay or purge acts on: some by id (whatever became of them), or the ones still waiting in a queue that match filters. Anything else is a 400.",
                "oneOf": [
                  {
                    "type": "object",
                    "description": "By id: 1 to 1,000 of them.",
                    "required": [
                      "ids"
                    ],
                    "properties": {
                      "ids": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 1000,
                        "items": {
                          "type": "integer",
                          "minimum": 1,
                          "maximum": 9223372036854775807
                        }
                      }
                    },
                    "additionalProperties": false
                  },
                  {
                    "type": "object",
                    "description": "By filter: the dead letters still waiting in the queue's dead-letter queue that match; without task, reason or since, all must be true.",
                    "required": [
                      "queue"
                    ],
                    "properties": {
                      "queue": {
                        "$ref": "#/components/schemas/QueueName"
                      },
                      "task": {
                        "$ref": "#/components/schemas/TaskName"
                      },
                      "reason": {
                        "type": "string",
                        "enum": [
                          "invalid_message",
                          "unknown_task",
                          "retries_exhausted",
                          "not_retryable",
                          "poison",
                          "unpublishable",
                          "time_limit"
                        ]
                      },
                      "since": {
                        "$ref": "#/components/schemas/TimeText",
                        "description": "Dead letters written at or after this time."
                      },
                      "all": {
                        "type": "boolean",
                        "description": "true to act on every dead letter of the queue."
                      }
                    },
                    "additionalProperties": false,
                    "anyOf": [
                      {
                        "required": [
                          "all"
                        ],
                        "properties": {
                          "all": {
                            "const": true
                          }
                        }
                      },
                      {
                        "required": [
                          "task"
                        ]
                      },
                      {
                        "required": [
                          "reason"
                        ]
                      },
                      {
                        "required": [
                          "since"
                        ]
                      }
                    ]
                  }
                ]
              },
              "DeadLetterResult": {
                "type": "object",
                "required": [
                  "id",
                  "queue",
                  "task_id",
                  "outcome",
                  "state",
                  "detail"
                ],
                "properties": {
                  "id": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "queue": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "null when no dead letter has the id."
                  },
                  "task_id": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "uuid",
                    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                    "description": "null when the message had no readable id."
                  },
                  "outcome": {
                    "type": "string",
                    "enum": [
                      "replayed",
                      "purged",
                      "already_replayed",
                      "already_purged",
                      "task_succeeded",
                      "task_not_failed",
                      "unreadable",
                      "not_found"
                    ]
                  },
                  "state": {
                    "anyOf": [
                      {
                        "$ref": "#/components/schemas/TaskState"
                      },
                      {
                        "type": "null"
                      }
                    ],
                    "description": "The task's state now."
                  },
                  "detail": {
                    "type": "string",
                    "description": "The outcome as a sentence."
                  }
                },
                "additionalProperties": false
              },
              "DeadLetterReport": {
                "type": "object",
                "description": "What a replay or a purge did.",
                "required": [
                  "counts",
                  "results",
                  "removed_messages"
                ],
                "properties": {
                  "counts": {
                    "type": "object",
                    "propertyNames": {
                      "enum": [
                        "replayed",
                        "purged",
                        "already_replayed",
                        "already_purged",
                        "task_succeeded",
                        "task_not_failed",
                        "unreadable",
                        "not_found"
                      ]
                    },
                    "additionalProperties": {
                      "type": "integer",
                      "minimum": 1
                    },
                    "description": "How many dead letters had each outcome (outcomes none had are left out)."
                  },
                  "results": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/DeadLetterResult"
                    },
                    "description": "One for each dead letter met."
                  },
                  "removed_messages": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "dead_letter_queue",
                        "count"
                      ],
                      "properties": {
                        "dead_letter_queue": {
                          "type": "string"
                        },
                        "count": {
                          "type": "integer",
                          "minimum": 0
                        }
                      },
                      "additionalProperties": false
                    },
                    "description": "For each dead-letter queue it went through, the messages it removed."
                  }
                },
                "additionalProperties": false
              },
              "QueueCounts": {
                "type": "object",
                "description": "How many tasks of a queue ended how, over a window.",
                "required": [
                  "succeeded",
                  "failed",
                  "retried",
                  "failure_rate",
                  "per_second"
                ],
                "properties": {
                  "succeeded": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "failed": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Dead-lettered: failed for good, or never runnable."
                  },
                  "retried": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Attempts that failed and will be tried again."
                  },
                  "failure_rate": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 1,
                    "description": "failed / (succeeded + failed); null when none ended."
                  },
                  "per_second": {
                    "type": "number",
                    "minimum": 0,
                    "description": "Tasks that ended, per second of the window."
                  }
                },
                "additionalProperties": false
              },
              "QueueSummary": {
                "type": "object",
                "description": "One queue at a glance.",
                "required": [
                  "queue",
                  "paused",
                  "paused_at",
                  "ready",
                  "max_waiting",
                  "unacknowledged",
                  "consumers",
                  "dead_letters",
                  "dead_letter_queue",
                  "oldest_waiting_seconds",
                  "last_minute",
                  "last_hour"
                ],
                "properties": {
                  "queue": {
                    "type": "string"
                  },
                  "paused": {
                    "type": "boolean"
                  },
                  "paused_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "Since when it is paused."
                  },
                  "ready": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Messages waiting, as RabbitMQ counts them now; null when it has no such queue."
                  },
                  "max_waiting": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "WARREN_MAX_WAITING for it; null for no limit."
                  },
                  "unacknowledged": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Delivered and not yet acked (management API)."
                  },
                  "consumers": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Consumers, as RabbitMQ counts them now."
                  },
                  "dead_letters": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Messages waiting in <queue>.dead now."
                  },
                  "dead_letter_queue": {
                    "type": "string"
                  },
                  "oldest_waiting_seconds": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "minimum": 0,
                    "description": "Age of the head task's submission (0 when none waits)."
                  },
                  "last_minute": {
                    "$ref": "#/components/schemas/QueueCounts"
                  },
                  "last_hour": {
                    "$ref": "#/components/schemas/QueueCounts"
                  }
                },
                "additionalProperties": false
              },
              "QueueOverview": {
                "type": "object",
                "description": "Every queue Warren knows.",
                "required": [
                  "queues",
                  "rabbitmq_api"
                ],
                "properties": {
                  "queues": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/QueueSummary"
                    }
                  },
                  "rabbitmq_api": {
                    "type": "object",
                    "required": [
                      "ok",
                      "error"
                    ],
                    "properties": {
                      "ok": {
                        "type": "boolean"
                      },
                      "error": {
                        "type": [
                          "string",
                          "null"
                        ],
                        "description": "Why the management API's figures are missing."
                      }
                    },
                    "additionalProperties": false
                  }
                },
                "additionalProperties": false
              },
              "QueuePause": {
                "type": "object",
                "description": "A queue's pause.",
                "required": [
                  "queue",
                  "paused",
                  "paused_at"
                ],
                "properties": {
                  "queue": {
                    "type": "string"
                  },
                  "paused": {
                    "type": "boolean"
                  },
                  "paused_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "Since when it is paused; null once resumed."
                  }
                },
                "additionalProperties": false
              },
              "APIRole": {
                "type": "string",
                "enum": [
                  "read",
                  "submit",
                  "admin"
                ],
                "description": "read: read tasks, history, queues and dead letters; submit: also submit tasks and revoke its own; admin: everything."
              },
              "APIKey": {
                "type": "object",
                "description": "An API key, without the key itself.",
                "required": [
                  "id",
                  "name",
                  "role",
                  "prefix",
                  "created_at",
                  "revoked_at"
                ],
                "properties": {
                  "id": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "name": {
                    "type": "string"
                  },
                  "role": {
                    "$ref": "#/components/schemas/APIRole"
                  },
                  "prefix": {
                    "type": "string",
                    "pattern": "^wk_[0-9a-f]{6}$",
                    "description": "The key's first characters."
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "revoked_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When it was revoked."
                  }
                },
                "additionalProperties": false
              },
              "APIKeyList": {
                "type": "object",
                "required": [
                  "keys"
                ],
                "properties": {
                  "keys": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/APIKey"
                    },
                    "description": "Every key, revoked or not, oldest first."
                  }
                },
                "additionalProperties": false
              },
              "CreatedAPIKey": {
                "type": "object",
                "description": "A key just created.",
                "required": [
                  "id",
                  "name",
                  "role",
                  "prefix",
                  "created_at",
                  "revoked_at",
                  "key"
                ],
                "properties": {
                  "id": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "name": {
                    "type": "string"
                  },
                  "role": {
                    "$ref": "#/components/schemas/APIRole"
                  },
                  "prefix": {
                    "type": "string",
                    "pattern": "^wk_[0-9a-f]{6}$",
                    "description": "The key's first characters."
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "revoked_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "When it was revoked."
                  },
                  "key": {
                    "type": "string",
                    "pattern": "^wk_[0-9a-f]{48}$",
                    "description": "The key itself, shown this once."
                  }
                },
                "additionalProperties": false
              },
              "CreateAPIKey": {
                "type": "object",
                "required": [
                  "name",
                  "role"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "^[^\\u0000]*$",
                    "description": "1 to 200 bytes of UTF-8, without U+0000."
                  },
                  "role": {
                    "$ref": "#/components/schemas/APIRole"
                  }
                },
                "additionalProperties": false
              },
              "Health": {
                "type": "object",
                "required": [
                  "status"
                ],
                "properties": {
                  "status": {
                    "type": "string",
                    "const": "ok"
                  }
                },
                "additionalProperties": false
              },
              "Readiness": {
                "type": "object",
                "description": "Whether RabbitMQ and PostgreSQL answer (checked at most once a second).",
                "required": [
                  "status",
                  "rabbitmq",
                  "postgresql"
                ],
                "properties": {
                  "status": {
                    "type": "string",
                    "enum": [
                      "ready",
                      "unavailable"
                    ]
                  },
                  "rabbitmq": {
                    "type": "string",
                    "enum": [
                      "ok",
                      "unreachable"
                    ]
                  },
                  "postgresql": {
                    "type": "string",
                    "enum": [
                      "ok",
                      "unreachable"
                    ]
                  }
                },
                "additionalProperties": false
              }
            }
          }
        }
        """#
}
