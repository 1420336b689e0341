import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/**
 * For TypeORM's CLI only (`npm run migration:generate`, drift check). The app builds its own
 * connection from the validated environment.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
export default new DataSource(dataSourceOptions(url));
