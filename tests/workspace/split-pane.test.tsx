// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SplitPane } from '../../src/components/workspace/SplitPane.tsx';

describe(SplitPane, () => {
  it('resizes from the keyboard within its bounds', async () => {
    const user = userEvent.setup();
    render(<SplitPane start={<p>lesson</p>} end={<p>exercise</p>} initialPercent={45} />);
    const separator = screen.getByRole('separator', { name: 'Resize lesson and exercise' });
    expect(separator).toHaveAttribute('aria-valuenow', '45');
    separator.focus();
    await user.keyboard('{ArrowRight}');
    expect(separator).toHaveAttribute('aria-valuenow', '50');
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(separator).toHaveAttribute('aria-valuenow', '40');
    await user.keyboard('{End}');
    expect(separator).toHaveAttribute('aria-valuenow', '75');
    await user.keyboard('{ArrowRight}');
    expect(separator).toHaveAttribute('aria-valuenow', '75');
    await user.keyboard('{Home}');
    expect(separator).toHaveAttribute('aria-valuenow', '25');
  });
});
