import { FormEvent, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  RequestComment,
  RequestDetails,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { useAction } from '../../hooks';
import { formatDateTime } from '../shared';
import { useListStyles } from './styles';

function CommentList(props: { comments: RequestComment[] }) {
  const classes = useListStyles();
  if (props.comments.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No comments yet.
      </Typography>
    );
  }
  return (
    <ul className={classes.list} aria-label="Comments">
      {props.comments.map(comment => (
        <li
          key={comment.id}
          className={
            comment.visibility === 'internal' ? classes.internal : undefined
          }
        >
          <Box display="flex" alignItems="center" gridGap={8}>
            <Typography variant="subtitle2" component="span">
              <EntityRefLink entityRef={comment.authorRef} defaultKind="user" />
            </Typography>
            <Typography variant="caption" color="textSecondary">
              {formatDateTime(comment.createdAt)}
            </Typography>
            {comment.visibility === 'internal' && (
              <Chip size="small" label="Internal" />
            )}
          </Box>
          <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
            {comment.body}
          </Typography>
        </li>
      ))}
    </ul>
  );
}

/**
 * A request's comments, and a form to add one where the caller may; those
 * who see internal comments may also write them.
 *
 * @internal
 */
export function Comments(props: { details: RequestDetails; onAdded(): void }) {
  const { details, onAdded } = props;
  const api = useApi(serviceCatalogueApiRef);
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const add = useAction(
    () =>
      api.addComment(details.request.id, {
        body: body.trim(),
        visibility: internal && details.seesInternal ? 'internal' : 'external',
      }),
    {
      failure: 'The comment was not added',
      onSuccess: () => {
        setBody('');
        setInternal(false);
        onAdded();
      },
    },
  );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    add.run();
  };

  return (
    <>
      <CommentList comments={details.comments} />
      {details.actions.includes('comment') && (
        <Box component="form" onSubmit={onSubmit} mt={2}>
          <TextField
            id="service-catalogue-comment"
            label="Comment"
            value={body}
            onChange={event => setBody(event.target.value)}
            multiline
            minRows={2}
            fullWidth
            variant="outlined"
          />
          <Box display="flex" alignItems="center" mt={1} gridGap={8}>
            {details.seesInternal && (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={internal}
                    onChange={event => setInternal(event.target.checked)}
                  />
                }
                label="Internal (not shown to the requester)"
              />
            )}
            <Button
              type="submit"
              variant="contained"
              color="primary"
              disabled={add.busy || !body.trim()}
            >
              Add comment
            </Button>
          </Box>
        </Box>
      )}
    </>
  );
}
