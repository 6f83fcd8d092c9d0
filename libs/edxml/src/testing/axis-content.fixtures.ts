/** The invented content every axis-shape fixture shares: agencies, documents, staff, status texts. */
import type { StaffInfo } from '../model/package.model';
import { STATUS_CODES, type KnownStatusCode } from '../model/status-codes';

/** What the Bussiness block says the package does: BussinessDocType 0, 1, 2 and 3. */
export type BusinessKind = 'new' | 'revocation' | 'update' | 'replacement';
export const BUSINESS_KINDS: readonly BusinessKind[] = ['new', 'revocation', 'update', 'replacement'];
export const BUSINESS_DOC_TYPE: Readonly<Record<BusinessKind, string>> = {
  new: '0',
  revocation: '1',
  update: '2',
  replacement: '3',
};

/** Every status code the exchange knows (01..06, 13, 15, 16), in order. */
export const KNOWN_STATUS_CODES = (Object.keys(STATUS_CODES) as KnownStatusCode[]).sort();

export const AXIS_SENDER = '000.00.00.G22';
export const AXIS_RECIPIENTS = ['000.00.00.H41', '000.00.00.H53', '000.00.00.G09'] as const;
export const AXIS_DOCUMENT_ID = '000.00.00.G22,2024/03/15,1234/VPCP-HC';
/** The earlier document an update, replacement or revocation acts on. */
export const AXIS_EARLIER_DOCUMENT_ID = '000.00.00.G22,2024/02/20,987/VPCP-HC';
/** The document a revocation's ResponseFor answers. */
export const AXIS_ANSWERED_DOCUMENT_ID = '000.00.00.H41,2024/02/01,56/UBND-VX';

/** The ContentId (without "cid:") of the one attachment of the hand-written packages. */
export const AXIS_CONTENT_ID = '101';
/** A payload that is not base64, as producers that strip attachments leave it. */
export const NOT_BASE64_PAYLOAD = '[attachment removed: 4120 bytes of base64]';

export const SENDER_STAFF: StaffInfo = {
  department: 'Phòng Hành chính - Văn thư',
  staff: 'Nguyễn Thị Hoa',
  email: 'vanthu@vpcp.example.vn',
  mobile: '0900000101',
};
export const RECIPIENT_STAFF: StaffInfo = {
  department: 'Văn phòng UBND tỉnh',
  staff: 'Lê Thị Mai',
  email: 'vanthu@nghean.example.vn',
  mobile: '0900000202',
};

export const STATUS_DESCRIPTIONS: Readonly<Record<KnownStatusCode, string>> = {
  '01': 'Đã đến: hệ thống quản lý văn bản đã nhận, văn thư chưa xử lý',
  '02': 'Từ chối tiếp nhận: văn bản gửi nhầm đơn vị',
  '03': 'Đã tiếp nhận và vào sổ văn bản đến',
  '04': 'Lãnh đạo đã phân công xử lý',
  '05': 'Đang xử lý văn bản',
  '06': 'Đã hoàn thành xử lý',
  '13': 'Đề nghị lấy lại văn bản để cập nhật nơi nhận',
  '15': 'Đồng ý cho cập nhật, lấy lại văn bản',
  '16': 'Không đồng ý cho lấy lại: văn bản đã được xử lý xong',
};

/** Who reports a status: the recipient, except 13 (the sender asks for its document back). */
export const statusReporter = (code: KnownStatusCode): { code: string; name: string; staff: StaffInfo } =>
  code === '13'
    ? { code: AXIS_SENDER, name: 'Văn phòng Chính phủ', staff: SENDER_STAFF }
    : { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', staff: RECIPIENT_STAFF };
