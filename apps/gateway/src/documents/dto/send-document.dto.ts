import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RecipientDto {
  @ApiProperty({ example: '000.00.00.H41' }) organId!: string;
  @ApiPropertyOptional() organName?: string;
}

export class FileDto {
  @ApiProperty({ example: 'cong-van.pdf' }) name!: string;
  @ApiProperty({ example: 'application/pdf' }) contentType!: string;
  @ApiProperty({ description: 'The file, base64' }) base64!: string;
  @ApiPropertyOptional() description?: string;
}

/** JSON form of "send a document": the gateway builds the edXML package from these fields. */
export class SendDocumentDto {
  @ApiProperty({ type: [RecipientDto] }) to!: RecipientDto[];
  @ApiProperty({ example: 'V/v kết nối, liên thông phần mềm quản lý văn bản' }) subject!: string;
  @ApiProperty({ example: '7816' }) codeNumber!: string;
  @ApiProperty({ example: 'VPCP-TTĐT' }) codeNotation!: string;
  @ApiPropertyOptional({ example: 'Công văn' }) typeName?: string;
  @ApiPropertyOptional() content?: string;
  @ApiPropertyOptional({ example: 'Hà Nội' }) place?: string;
  @ApiPropertyOptional({ example: 0, description: '0 normal, 1 urgent, 2 very urgent, 3 flash, 4 flash with deadline' }) priority?: number;
  @ApiProperty({ type: [FileDto], description: 'The signed PDF first (the main document), then appendices' }) files!: FileDto[];
}

export class PostStatusDto {
  @ApiProperty({ example: '03', description: '02 rejected, 03 accepted, 04 assigned, 05 processing, 06 completed, 13 recall (sender), 15/16 answer a recall' })
  statusCode!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional() staff?: { department?: string; staff?: string; mobile?: string; email?: string };
}
