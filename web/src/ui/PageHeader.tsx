import type { ReactNode } from 'react';
import { Flex } from 'antd';

export function PageHeader({ title, extra, testId }: { title: ReactNode; extra?: ReactNode; testId?: string }) {
  return (
    <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 16 }}>
      <h1 style={{ margin: 0, fontSize: 20, fontWeight: 600, lineHeight: 1.4, color: 'rgba(0,0,0,0.88)' }} data-testid={testId}>
        {title}
      </h1>
      {extra ? (
        <Flex gap={8} wrap>
          {extra}
        </Flex>
      ) : null}
    </Flex>
  );
}
