import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A generated application source tree for the lint-keys benchmark: files of every language in
 * the shape of real handlers — imports, a few helpers with branches and loops that write nothing,
 * and a handful of cache writes (good, unscoped, unregistered, unresolved) among other calls.
 */
const BODIES: Record<string, (i: number) => string> = {
  py: (i) => `from flask import g
from flask_caching import Cache
import redis

cache = Cache()
r = redis.Redis()


def helper_${i}(items):
    total = 0
    for item in items:
        if item.get("active"):
            total += item["size"] * 2
    return {"total": total, "count": len(items)}


def show_${i}(project_id):
    data = helper_${i}(load(project_id))
    key = f"project:{g.tenant_id}:{project_id}"
    cache.set(key, data, timeout=60)
    cache.set(f"project:{project_id}", data)
    r.setex("projects:%s:page:%d" % (g.tenant_id, 1), 60, "[]")
    cache.set(build_key(project_id), data)
    value = cache.get(key)
    log.info("served %s", project_id)
    return value
`,
  ts: (i) => `import Redis from 'ioredis';

const redis = new Redis();

function summarize${i}(rows: { size: number; active: boolean }[]): { total: number } {
  let total = 0;
  for (const row of rows) {
    if (row.active) total += row.size * 2;
  }
  return { total };
}

export async function show${i}(tenantId: string, projectId: number): Promise<unknown> {
  const data = summarize${i}(await load(projectId));
  const key = \`project:\${tenantId}:\${projectId}\`;
  await redis.set(key, JSON.stringify(data), 'EX', 60);
  await redis.set(\`project:\${projectId}\`, '{}');
  await redis.set(\`report:\${projectId}\`, '{}');
  const cached = await redis.get(key);
  console.log('served', projectId);
  return cached ?? data;
}
`,
  rb: (i) => `class Projects${i}Controller < ApplicationController
  def summary(rows)
    rows.select(&:active).sum { |r| r.size * 2 }
  end

  def show
    tenant_id = Current.tenant_id
    @project = Rails.cache.fetch("project:#{tenant_id}:#{params[:id]}", expires_in: 5.minutes) do
      Project.find(params[:id])
    end
    Rails.cache.write("project:#{params[:id]}", @project)
    $redis.set(cache_key_for(params[:id]), "{}")
    render json: summary(@project.rows)
  end
end
`,
  php: (i) => `<?php
use Illuminate\\Support\\Facades\\Cache;

class Project${i}Controller
{
    private function summary(array $rows): int
    {
        $total = 0;
        foreach ($rows as $row) {
            if ($row['active']) { $total += $row['size'] * 2; }
        }
        return $total;
    }

    public function show(int $id)
    {
        $tenant_id = $this->tenantId;
        $project = Cache::remember("project:{$tenant_id}:{$id}", 300, fn () => Project::find($id));
        Cache::put("project:$id", $project, 300);
        Cache::put($this->keyFor($id), $project);
        return $this->summary($project->rows);
    }
}
`,
  java: (i) => `package com.acme;

public class ProjectService${i} {
    private final StringRedisTemplate redisTemplate;

    @Cacheable(value = "projects", key = "#tenantId + ':' + #id")
    public Project find(String tenantId, long id) {
        return load(tenantId, id);
    }

    private int summary(java.util.List<Row> rows) {
        int total = 0;
        for (Row row : rows) {
            if (row.active()) total += row.size() * 2;
        }
        return total;
    }

    public void warm(String tenantId, long id, Project p) {
        String key = String.format("project:%s:%d", tenantId, id);
        redisTemplate.opsForValue().set(key, p.toJson());
        redisTemplate.opsForValue().set("project:" + id, p.toJson());
        redisTemplate.opsForValue().set(keys.projectKey(id), p.toJson());
    }
}
`,
  go: (i) => `package cache

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

type Store${i} struct {
	rdb *redis.Client
}

func summary${i}(rows []Row) int {
	total := 0
	for _, row := range rows {
		if row.Active {
			total += row.Size * 2
		}
	}
	return total
}

func (s *Store${i}) Save(ctx context.Context, tenantID string, id int64, body []byte) error {
	key := fmt.Sprintf("project:%s:%d", tenantID, id)
	if err := s.rdb.Set(ctx, key, body, time.Hour).Err(); err != nil {
		return err
	}
	s.rdb.Set(ctx, fmt.Sprintf("project:%d", id), body, time.Hour)
	s.rdb.Set(ctx, keyFor(id), body, 0)
	return nil
}
`,
  cs: (i) => `using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

public class SessionService${i}
{
    private readonly IDistributedCache _cache;
    private readonly IDatabase _db;

    private static int Summary(List<Row> rows)
    {
        var total = 0;
        foreach (var row in rows) { if (row.Active) total += row.Size * 2; }
        return total;
    }

    public async Task Save(string tenantId, string sessionId, string json)
    {
        await _cache.SetStringAsync($"sess:{tenantId}:{sessionId}", json);
        var projectKey = string.Format("project:{0}:{1}", tenantId, sessionId);
        _db.StringSet(projectKey, json);
        _db.StringSet($"project:{sessionId}", json);
        _db.StringSet(KeyFor(sessionId), json);
    }
}
`,
};

/** Writes `count` files, spread over the languages and 50 directories; returns the total bytes. */
export function generateLintTree(root: string, count: number): number {
  const extensions = Object.keys(BODIES);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const ext = extensions[i % extensions.length] as string;
    const dir = join(root, `module${i % 50}`, ext);
    if (i < 50 * extensions.length) mkdirSync(dir, { recursive: true });
    const body = (BODIES[ext] as (i: number) => string)(i);
    bytes += Buffer.byteLength(body);
    writeFileSync(join(dir, `file${i}.${ext}`), body);
  }
  return bytes;
}
