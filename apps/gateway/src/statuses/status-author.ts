import { Package, buildStatus, responseForPackage } from '@edx/edxml';
import { writeSignedStatus } from '@edx/trust';
import { HostedAgency } from '../config/hosted-agencies';

export interface AuthoredStatus {
  readonly messageId: string;
  readonly body: Buffer;
}

export interface StaffInfo {
  readonly department?: string;
  readonly staff?: string;
  readonly mobile?: string;
  readonly email?: string;
}

/**
 * Writes a status message about a package as a hosted agency, signed with that agency's key for
 * `messageId`, the AMQP message id it will travel under, and for the package id it answers (the
 * signature binds both; the ResponseFor names the package's document).
 */
export function authorStatus(
  agency: HostedAgency,
  about: { readonly packageId: string; readonly package: Package },
  statusCode: string,
  description: string,
  at: Date,
  messageId: string,
  staffInfo?: StaffInfo,
): AuthoredStatus {
  const status = buildStatus({
    from: { organId: agency.code, organName: agency.name },
    responseFor: responseForPackage(about.package),
    staff: staffInfo,
    statusCode,
    description,
    at,
  });
  return { messageId, body: writeSignedStatus(status, agency.identity, messageId, about.packageId) };
}

/** What each status code means, in the words a clerk reads (Vietnamese as the axis uses it). */
export const STATUS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '01': 'Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận - Văn thư đã đăng ký',
  '04': 'Phân công - Lãnh đạo đã phân công xử lý',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
  '13': 'Đề nghị thu hồi/cập nhật văn bản',
  '15': 'Đồng ý thu hồi/cập nhật',
  '16': 'Từ chối thu hồi/cập nhật',
};
