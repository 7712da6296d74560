// Runs in: node. Staff-only end-of-day reports: the Z-report of a business day as JSON for the
// monitor, CSV for a spreadsheet and PDF for the binder.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { requireStaff } from '../../plugins/auth.js';
import { ReportQuery, ZReport } from './schemas.js';
import { ReportService } from './service.js';
import { zReportCsv } from './csv.js';

export const reportRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireStaff(ctx));
  const reports = new ReportService(ctx.db, ctx.config, ctx.clock);
  const common = { tags: ['staff'], security: [{ staff: [] }], querystring: ReportQuery };
  const fileName = (report: ZReport, ext: string) => `z-report-${report.storeId}-${report.date}.${ext}`;

  app.get(
    '/api/staff/reports/z',
    {
      schema: {
        ...common,
        summary: "Z-report (end of day) of a business day in the station's time zone; default today",
        response: { 200: ZReport },
      },
    },
    async (request) => reports.zReport(request.query.date),
  );

  app.get(
    '/api/staff/reports/z.csv',
    {
      schema: {
        ...common,
        summary: 'The Z-report as CSV (RFC 4180, UTF-8 with BOM): section,item,label,count,amount,value',
        response: { 200: Type.String({ description: 'text/csv' }) },
      },
    },
    async (request, reply) => {
      const report = reports.zReport(request.query.date);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(report, 'csv')}"`)
        .header('cache-control', 'no-store')
        .send(zReportCsv(report, request.query.lang));
    },
  );

  app.get(
    '/api/staff/reports/z.pdf',
    {
      schema: {
        ...common,
        summary: 'The Z-report as an A4 PDF (Korean or English labels)',
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }) },
      },
    },
    async (request, reply) => {
      const report = reports.zReport(request.query.date);
      // Loaded on the first PDF asked for: pdfkit and fontkit are ~5 MB of a station's heap that
      // every major GC would otherwise walk, for a document printed once a day.
      const { zReportPdf } = await import('./pdf.js');
      const pdf = await zReportPdf(report, request.query.lang);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName(report, 'pdf')}"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
};
