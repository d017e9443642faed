extension OpenAPIDocument {
    /// `/v1/schedules`: merged into the document by ``text``.
    static let schedules = #"""
        {
          "tags": [
            {
              "name": "Schedules",
              "description": "Periodic schedules, fired by warren beat."
            }
          ],
          "paths": {
            "/v1/schedules": {
              "get": {
                "operationId": "listSchedules",
                "tags": [
                  "Schedules"
                ],
                "summary": "List the schedules",
                "description": "Role: read.\n\nEvery schedule, by name, with its next five slots and its last run.",
                "responses": {
                  "200": {
                    "description": "The schedules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ScheduleList"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable"
                  }
                }
              },
              "post": {
                "operationId": "createSchedule",
                "tags": [
                  "Schedules"
                ],
                "summary": "Add a schedule",
                "description": "Role: admin.\n\n`warren beat` fires it from its next slot. Its task is checked as a submission is.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/NewSchedule"
                      },
                      "example": {
                        "name": "nightly-report",
                        "cron": "0 0 * * *",
                        "zone": "Europe/Madrid",
                        "task": "report",
                        "args": {}
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "The schedule.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Schedule"
                        }
                      }
                    },
                    "links": {
                      "GetSchedule": {
                        "operationId": "getSchedule",
                        "parameters": {
                          "name": "$response.body#/name"
                        },
                        "description": "Read the schedule."
                      },
                      "PatchSchedule": {
                        "operationId": "patchSchedule",
                        "parameters": {
                          "name": "$response.body#/name"
                        },
                        "description": "Change it."
                      },
                      "RunSchedule": {
                        "operationId": "runSchedule",
                        "parameters": {
                          "name": "$response.body#/name"
                        },
                        "description": "Run its task now."
                      },
                      "DeleteSchedule": {
                        "operationId": "deleteSchedule",
                        "parameters": {
                          "name": "$response.body#/name"
                        },
                        "description": "Remove it."
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
                  "409": {
                    "$ref": "#/components/responses/Conflict",
                    "description": "A schedule has the name (conflict)."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "A field is wrong (invalid-arguments, each in errors, naming it: \"$.cron: minute: 61 is out of range 0–59\"), or the task type is not advertised (unknown-task) or the queue not known (unknown-queue)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable"
                  }
                }
              }
            },
            "/v1/schedules/{name}": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/ScheduleName"
                }
              ],
              "get": {
                "operationId": "getSchedule",
                "tags": [
                  "Schedules"
                ],
                "summary": "Read a schedule",
                "description": "Role: read.",
                "responses": {
                  "200": {
                    "description": "The schedule.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Schedule"
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Unauthorized"
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No schedule has the name."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable"
                  }
                }
              },
              "patch": {
                "operationId": "patchSchedule",
                "tags": [
                  "Schedules"
                ],
                "summary": "Change a schedule",
                "description": "Role: admin.\n\nPause it ({\"paused\": true}), resume it, or change its trigger, task or options. A schedule declared in code keeps the change until its declaration in code changes.",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/SchedulePatch"
                      },
                      "example": {
                        "paused": true
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The schedule as changed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Schedule"
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
                    "description": "The key's role is not admin."
                  },
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No schedule has the name."
                  },
                  "413": {
                    "$ref": "#/components/responses/ContentTooLarge",
                    "description": "The body is over WARREN_MAX_BODY_BYTES."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "A field is wrong (invalid-arguments, each in errors, naming it: \"$.cron: minute: 61 is out of range 0–59\"), or the task type is not advertised (unknown-task) or the queue not known (unknown-queue)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable"
                  }
                }
              },
              "delete": {
                "operationId": "deleteSchedule",
                "tags": [
                  "Schedules"
                ],
                "summary": "Remove a schedule",
                "description": "Role: admin.\n\nThe tasks it fired are kept. A schedule declared in code comes back when its application's beat next starts.",
                "responses": {
                  "204": {
                    "description": "Removed."
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
                    "description": "No schedule has the name."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable"
                  }
                }
              }
            },
            "/v1/schedules/{name}/run": {
              "parameters": [
                {
                  "$ref": "#/components/parameters/ScheduleName"
                }
              ],
              "post": {
                "operationId": "runSchedule",
                "tags": [
                  "Schedules"
                ],
                "summary": "Run a schedule's task now",
                "description": "Role: admin.\n\nSubmits its task at once, outside its slots, as POST /v1/tasks would.",
                "responses": {
                  "202": {
                    "description": "The task, submitted.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/SubmissionAccepted"
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
                  "404": {
                    "$ref": "#/components/responses/NotFound",
                    "description": "No schedule has the name."
                  },
                  "422": {
                    "$ref": "#/components/responses/UnprocessableContent",
                    "description": "Its task type is no longer advertised, or its arguments no longer satisfy it."
                  },
                  "429": {
                    "$ref": "#/components/responses/TooManyRequests",
                    "description": "Its queue is full (queue-full)."
                  },
                  "500": {
                    "$ref": "#/components/responses/InternalError"
                  },
                  "503": {
                    "$ref": "#/components/responses/ServiceUnavailable"
                  }
                }
              }
            }
          },
          "components": {
            "parameters": {
              "ScheduleName": {
                "name": "name",
                "in": "path",
                "required": true,
                "description": "A schedule's name; one that no schedule has is a 404.",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 200
                }
              }
            },
            "schemas": {
              "Schedule": {
                "type": "object",
                "description": "A periodic schedule, with its next slots and its last run.",
                "required": [
                  "name",
                  "cron",
                  "zone",
                  "every",
                  "task",
                  "args",
                  "queue",
                  "priority",
                  "retry",
                  "expires",
                  "catch_up",
                  "catch_up_limit",
                  "paused",
                  "declared_in_code",
                  "created_at",
                  "updated_at",
                  "next",
                  "last_run"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "^[A-Za-z0-9_.:-]+$",
                    "description": "Unique: letters, digits and . _ : -, at most 200 characters."
                  },
                  "cron": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; ranges, lists, steps, month and weekday names, L for the last day of the month, or @hourly, @daily, @weekly, @monthly, @yearly. Not with every.",
                    "examples": [
                      "0 0 * * *"
                    ]
                  },
                  "zone": {
                    "type": "string",
                    "description": "The zone of its cron expression; UTC for an interval."
                  },
                  "every": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A fixed interval instead of cron: a whole number and s, m, h or d, at most a year. Slots fall on its multiples since 1970-01-01T00:00:00Z.",
                    "examples": [
                      "30s"
                    ]
                  },
                  "task": {
                    "type": "string",
                    "description": "The task each firing submits: a type some worker advertises."
                  },
                  "args": {
                    "type": "object",
                    "description": "Its arguments, checked against the task type's schema.",
                    "default": {}
                  },
                  "queue": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The queue, when not the task type's default; it must exist."
                  },
                  "priority": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 9
                  },
                  "retry": {
                    "$ref": "#/components/schemas/RetryPolicy"
                  },
                  "expires": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "exclusiveMinimum": 0,
                    "maximum": 31622400,
                    "description": "Seconds after its slot after which a fired task that has not started is revoked."
                  },
                  "catch_up": {
                    "type": "string",
                    "enum": [
                      "once",
                      "skip",
                      "all"
                    ],
                    "default": "once",
                    "description": "What is fired of the slots missed while no beat could fire (slots at most 60 s late always fire): once, the newest missed slot unless an on-time slot follows; skip, none; all, the newest catch_up_limit."
                  },
                  "catch_up_limit": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "maximum": 1000,
                    "description": "With catch_up all: the most missed slots fired."
                  },
                  "paused": {
                    "type": "boolean",
                    "default": false,
                    "description": "A paused schedule fires nothing, and does not catch up once resumed."
                  },
                  "declared_in_code": {
                    "type": "boolean",
                    "description": "Declared in an application's code and synced by its beat: a change made here lasts until that declaration changes."
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "updated_at": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                    "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                  },
                  "next": {
                    "type": "array",
                    "maxItems": 5,
                    "description": "The next five slots (none while paused), in UTC and in the schedule's zone.",
                    "items": {
                      "type": "object",
                      "required": [
                        "utc",
                        "local"
                      ],
                      "additionalProperties": false,
                      "properties": {
                        "utc": {
                          "type": "string",
                          "format": "date-time",
                          "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                          "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                        },
                        "local": {
                          "type": "string",
                          "format": "date-time",
                          "description": "The same time in the schedule's zone, with its offset."
                        }
                      }
                    }
                  },
                  "last_run": {
                    "type": [
                      "object",
                      "null"
                    ],
                    "description": "The newest slot fired, and the task it made.",
                    "required": [
                      "slot",
                      "fired_at",
                      "task_id",
                      "state",
                      "error"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "slot": {
                        "type": "string",
                        "format": "date-time",
                        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                        "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                      },
                      "fired_at": {
                        "type": "string",
                        "format": "date-time",
                        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                        "description": "ISO 8601 in UTC with milliseconds, as Warren writes times."
                      },
                      "task_id": {
                        "type": [
                          "string",
                          "null"
                        ],
                        "format": "uuid",
                        "description": "Null when the schedule could not make its task; error says why."
                      },
                      "state": {
                        "oneOf": [
                          {
                            "$ref": "#/components/schemas/TaskState"
                          },
                          {
                            "type": "null"
                          }
                        ],
                        "description": "The task's state, while its row is kept."
                      },
                      "error": {
                        "type": [
                          "string",
                          "null"
                        ]
                      }
                    }
                  }
                },
                "additionalProperties": false
              },
              "ScheduleList": {
                "type": "object",
                "required": [
                  "schedules"
                ],
                "additionalProperties": false,
                "properties": {
                  "schedules": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/Schedule"
                    }
                  }
                }
              },
              "NewSchedule": {
                "type": "object",
                "description": "A schedule: one of cron (with zone) and every, the task, and its options.",
                "required": [
                  "name",
                  "task"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "^[A-Za-z0-9_.:-]+$",
                    "description": "Unique: letters, digits and . _ : -, at most 200 characters."
                  },
                  "cron": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; ranges, lists, steps, month and weekday names, L for the last day of the month, or @hourly, @daily, @weekly, @monthly, @yearly. Not with every.",
                    "examples": [
                      "0 0 * * *"
                    ]
                  },
                  "zone": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The IANA time zone a cron expression is read in (UTC by default); not with every.",
                    "examples": [
                      "Europe/Madrid"
                    ]
                  },
                  "every": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A fixed interval instead of cron: a whole number and s, m, h or d, at most a year. Slots fall on its multiples since 1970-01-01T00:00:00Z.",
                    "examples": [
                      "30s"
                    ]
                  },
                  "task": {
                    "type": "string",
                    "description": "The task each firing submits: a type some worker advertises."
                  },
                  "args": {
                    "type": "object",
                    "description": "Its arguments, checked against the task type's schema.",
                    "default": {}
                  },
                  "queue": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The queue, when not the task type's default; it must exist."
                  },
                  "priority": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 9
                  },
                  "retry": {
                    "$ref": "#/components/schemas/RetryPolicy"
                  },
                  "expires": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "exclusiveMinimum": 0,
                    "maximum": 31622400,
                    "description": "Seconds after its slot after which a fired task that has not started is revoked."
                  },
                  "catch_up": {
                    "type": "string",
                    "enum": [
                      "once",
                      "skip",
                      "all"
                    ],
                    "default": "once",
                    "description": "What is fired of the slots missed while no beat could fire (slots at most 60 s late always fire): once, the newest missed slot unless an on-time slot follows; skip, none; all, the newest catch_up_limit."
                  },
                  "catch_up_limit": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "maximum": 1000,
                    "description": "With catch_up all: the most missed slots fired."
                  },
                  "paused": {
                    "type": "boolean",
                    "default": false,
                    "description": "A paused schedule fires nothing, and does not catch up once resumed."
                  }
                },
                "additionalProperties": false
              },
              "SchedulePatch": {
                "type": "object",
                "description": "The fields to change: each one given replaces the schedule's, null clears it; cron replaces every and the other way round. A new trigger, or resuming, fires from now on.",
                "properties": {
                  "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": "^[A-Za-z0-9_.:-]+$",
                    "description": "Unique: letters, digits and . _ : -, at most 200 characters."
                  },
                  "cron": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first; ranges, lists, steps, month and weekday names, L for the last day of the month, or @hourly, @daily, @weekly, @monthly, @yearly. Not with every.",
                    "examples": [
                      "0 0 * * *"
                    ]
                  },
                  "zone": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The IANA time zone a cron expression is read in (UTC by default); not with every.",
                    "examples": [
                      "Europe/Madrid"
                    ]
                  },
                  "every": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A fixed interval instead of cron: a whole number and s, m, h or d, at most a year. Slots fall on its multiples since 1970-01-01T00:00:00Z.",
                    "examples": [
                      "30s"
                    ]
                  },
                  "task": {
                    "type": "string",
                    "description": "The task each firing submits: a type some worker advertises."
                  },
                  "args": {
                    "type": "object",
                    "description": "Its arguments, checked against the task type's schema.",
                    "default": {}
                  },
                  "queue": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The queue, when not the task type's default; it must exist."
                  },
                  "priority": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 0,
                    "maximum": 9
                  },
                  "retry": {
                    "$ref": "#/components/schemas/RetryPolicy"
                  },
                  "expires": {
                    "type": [
                      "number",
                      "null"
                    ],
                    "exclusiveMinimum": 0,
                    "maximum": 31622400,
                    "description": "Seconds after its slot after which a fired task that has not started is revoked."
                  },
                  "catch_up": {
                    "type": "string",
                    "enum": [
                      "once",
                      "skip",
                      "all"
                    ],
                    "default": "once",
                    "description": "What is fired of the slots missed while no beat could fire (slots at most 60 s late always fire): once, the newest missed slot unless an on-time slot follows; skip, none; all, the newest catch_up_limit."
                  },
                  "catch_up_limit": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "maximum": 1000,
                    "description": "With catch_up all: the most missed slots fired."
                  },
                  "paused": {
                    "type": "boolean",
                    "default": false,
                    "description": "A paused schedule fires nothing, and does not catch up once resumed."
                  }
                },
                "additionalProperties": false
              }
            }
          }
        }
        """#
}
