import { DataSource } from 'typeorm';

export interface ConnectedSystemEntry {
  readonly id: string;
  readonly name: string;
  readonly amqpUser: string;
  readonly status: 'active' | 'suspended';
  readonly createdAt: string;
  /** The agencies it hosts, in code order. */
  readonly agencies: ReadonlyArray<{ code: string; name: string; status: string }>;
}

/** Reads the connected systems and what each hosts (they are made by the onboarding service). */
export class ConnectedSystemsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every connected system in id order, each with its hosted agencies. */
  async list(): Promise<{ items: ConnectedSystemEntry[] }> {
    const items: ConnectedSystemEntry[] = await this.dataSource.query(
      `SELECT s.id, s.name, s.amqp_user AS "amqpUser", s.status, s.created_at AS "createdAt",
              coalesce(json_agg(json_build_object('code', a.code, 'name', a.name, 'status', a.status) ORDER BY a.code COLLATE "C") FILTER (WHERE a.code IS NOT NULL), '[]') AS agencies
       FROM connected_systems s LEFT JOIN agencies a ON a.system_id = s.id GROUP BY s.id ORDER BY s.id`,
    );
    return { items };
  }
}
